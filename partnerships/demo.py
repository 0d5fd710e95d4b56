"""Demo data of the partnerships app: the home university (M. Auezov South Kazakhstan University)."""

from .models import HomeInstitution


def seed() -> HomeInstitution:
    home, _created = HomeInstitution.objects.update_or_create(
        singleton=True,
        defaults={
            "name_en": "M. Auezov South Kazakhstan University",
            "name_ru": "Южно-Казахстанский университет имени М. Ауэзова",
            "name_kk": "М. Әуезов атындағы Оңтүстік Қазақстан университеті",
            "name_zh_hans": "M. 奥埃佐夫南哈萨克斯坦大学",
            "short_name_en": "Auezov University",
            "short_name_ru": "ЮКУ им. М. Ауэзова",
            "short_name_kk": "М. Әуезов атындағы ОҚУ",
            "short_name_zh_hans": "奥埃佐夫大学",
            "welcome_en": "Our partner universities, agreements, official visits and exchange calls, "
            "kept by the international cooperation office.",
            "welcome_ru": "Университеты-партнёры, соглашения, официальные визиты и конкурсы по академической "
            "мобильности — в ведении отдела международного сотрудничества.",
            "welcome_kk": "Серіктес университеттер, келісімдер, ресми сапарлар және академиялық ұтқырлық "
            "конкурстары — халықаралық ынтымақтастық бөлімінің қарауында.",
            "welcome_zh_hans": "合作院校、协议、正式访问和学术交流项目招募，由国际合作与交流处统一管理。",
            "postcode": "160012",
            "city_en": "Shymkent",
            "city_ru": "Шымкент",
            "city_kk": "Шымкент",
            "city_zh_hans": "奇姆肯特",
            "address_en": "Tauke khan avenue, 5",
            "address_ru": "проспект Тауке хана, 5",
            "address_kk": "Тәуке хан даңғылы, 5",
            "address_zh_hans": "陶克汗大街5号",
            "phone_label_en": "Chancellery",
            "phone_label_ru": "Канцелярия",
            "phone_label_kk": "Кеңсе",
            "phone_label_zh_hans": "校长办公室",
            "phone": "(8-725-2) 21-01-41",
            "email": "canselyarya@mail.ru",
            "info_email": "info@auezov.edu.kz",
            "website": "https://auezov.edu.kz/",
        },
    )
    return home
