# The bad-input tables together: the issue asks for at least 150 cases in
# R, at least 30 of them with their message locked by a snapshot.
test_that("the bad-input tables hold at least 150 cases, 30 with snapshots", {
  cases <- unlist(lapply(bad_case_groups(), function(g) load_bad_cases(g)), recursive = FALSE)
  ids <- vapply(cases, `[[`, "", "id")
  expect_false(anyDuplicated(ids) > 0)
  expect_gte(length(cases), 150)
  expect_gte(sum(vapply(cases, function(c) isTRUE(c$snapshot), logical(1))), 30)
  expect_gte(length(unique(vapply(cases, `[[`, "", "group"))), 8)
})
