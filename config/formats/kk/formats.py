# Django ships no Kazakh formats: day, month name and year as Kazakh documents write them.
DATE_FORMAT = r"Y \ж. j E"  # 2025 ж. 29 қазан
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"Y \ж. j E, H:i"
YEAR_MONTH_FORMAT = r"Y \ж. F"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
# A range names the year once, first as Kazakh dates do: 2025 ж. 29–31 қазан, 2025 ж. 29 қазан – 2 қараша.
DATE_RANGE_FORMATS = {
    "same_month": (r"Y \ж. j", "–", "j E"),
    "same_year": (r"Y \ж. j E", " – ", "j E"),
    "other_years": (DATE_FORMAT, " – ", DATE_FORMAT),
}
