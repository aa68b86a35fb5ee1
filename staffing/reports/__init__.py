"""Page rows, chart series and export datasets of the staffing pages, built from
`staffing.selectors` (data) and put into words; views render them, nothing here queries by
itself beyond calling the selectors."""
