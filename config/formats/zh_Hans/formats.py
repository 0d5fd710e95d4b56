# Only what Django's Chinese formats lack; everything else comes from django/conf/locale/zh_Hans.
# A range names the year (and month) once, joined by 至: 2025年10月29日至31日, 2025年10月29日至11月2日.
DATE_RANGE_FORMATS = {
    "same_month": ("Y年n月j日", "至", "j日"),
    "same_year": ("Y年n月j日", "至", "n月j日"),
    "other_years": ("Y年n月j日", "至", "Y年n月j日"),
}
