run_bad_cases(load_bad_cases("values"))
