"""kfit.model_spec: what a built model takes and gives, read from it
(nothing trains)."""

from __future__ import annotations

from kfit.model_spec import loss_name, model_inputs, model_target


def test_model_spec_reads_inputs_output_and_loss(make_model, two_inputs, keras) -> None:
    inputs, named = model_inputs(make_model())
    assert not named and [m.shape for m in inputs] == [(None, 4)]
    assert not inputs[0].shown_name  # a name Keras made up
    inputs, named = model_inputs(two_inputs)
    assert named and [(m.name, m.shape) for m in inputs] == [("a", (None, 3)),
                                                              ("b", (None, 5))]
    target = model_target(make_model(n_out=3))
    assert (target.loss, target.units) == ("sparse_categorical_crossentropy", 3)
    assert loss_name("mse") == "mean_squared_error"
    assert loss_name(keras.losses.CategoricalCrossentropy()) == \
        "categorical_crossentropy"
    assert loss_name(lambda y, p: y) is None
    assert model_inputs(keras.Sequential([keras.layers.Dense(1)])) is None  # unbuilt
