# Only what Django's Russian formats lack; everything else comes from django/conf/locale/ru.
# A range names the month and year once: 29–31 октября 2025 г., 29 октября – 2 ноября 2025 г.
DATE_RANGE_FORMATS = {
    "same_month": ("j", "–", "j E Y г."),
    "same_year": ("j E", " – ", "j E Y г."),
    "other_years": ("j E Y г.", " – ", "j E Y г."),
}
