"""Private-domain results (私域成果): metrics, periods, entries, Excel import and history.

metrics    the admin's list of metrics (名称, 单位, weekly/monthly, higher is better)
periods    a week (Monday…Sunday, ISO numbering) or a calendar month: start, label, parsing
entries    an employee's own figures; a supervisor's confirm / correct (scope-checked)
importing  one period of figures from the Excel template, all or nothing
template   the downloadable Excel template of a period kind
history    a person's last periods per metric; a team's table for one period
"""
