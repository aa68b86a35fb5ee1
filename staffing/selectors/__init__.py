"""Reads of the staffing app, data only: a fixed number of grouped queries feed the pure
calculations (`apportionment`, `caseload`, `reconciliation`); nothing here builds page rows.

One module per concern; callers import from the modules themselves:
`statistics` (pilot structure, client counts and their dates), `totals` (line sums),
`lines` (a plan's lines, parts and roles), `figures` (a plan's figures and caseloads),
`pools` (pool splits), `declared` (declared figures against the computed ones), `overview`
(the pilots' headline figures), `comparison` (two plans side by side), `history` (a plan's
recorded changes).
"""
