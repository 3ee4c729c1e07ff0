"""Pakistan's provinces and territories and their districts, for address validation.

Maintained by hand from the provincial gazettes (Punjab's 2022-23 additions: Murree, Talagang,
Kot Addu, Taunsa, Wazirabad; Khyber Pakhtunkhwa's merged tribal districts and the Chitral,
Kohistan and South Waziristan splits; Balochistan's Hub, Chaman, Usta Muhammad, Surab). When
a notification creates a district, add it here and keep the old name as an alias.
Pure Python: no database, no Django.
"""

from __future__ import annotations

import re

PUNJAB = "Punjab"
SINDH = "Sindh"
KHYBER_PAKHTUNKHWA = "Khyber Pakhtunkhwa"
BALOCHISTAN = "Balochistan"
ISLAMABAD = "Islamabad Capital Territory"
GILGIT_BALTISTAN = "Gilgit-Baltistan"
AZAD_KASHMIR = "Azad Jammu and Kashmir"

DISTRICTS: dict[str, tuple[str, ...]] = {
    PUNJAB: (
        "Attock", "Bahawalnagar", "Bahawalpur", "Bhakkar", "Chakwal", "Chiniot",
        "Dera Ghazi Khan", "Faisalabad", "Gujranwala", "Gujrat", "Hafizabad", "Jhang", "Jhelum",
        "Kasur", "Khanewal", "Khushab", "Kot Addu", "Lahore", "Layyah", "Lodhran",
        "Mandi Bahauddin", "Mianwali", "Multan", "Murree", "Muzaffargarh", "Nankana Sahib",
        "Narowal", "Okara", "Pakpattan", "Rahim Yar Khan", "Rajanpur", "Rawalpindi", "Sahiwal",
        "Sargodha", "Sheikhupura", "Sialkot", "Talagang", "Taunsa", "Toba Tek Singh", "Vehari",
        "Wazirabad",
    ),
    SINDH: (
        "Badin", "Dadu", "Ghotki", "Hyderabad", "Jacobabad", "Jamshoro", "Karachi Central",
        "Karachi East", "Karachi South", "Karachi West", "Kashmore", "Keamari", "Khairpur",
        "Korangi", "Larkana", "Malir", "Matiari", "Mirpur Khas", "Naushahro Feroze",
        "Qambar Shahdadkot", "Sanghar", "Shaheed Benazirabad", "Shikarpur", "Sujawal", "Sukkur",
        "Tando Allahyar", "Tando Muhammad Khan", "Tharparkar", "Thatta", "Umerkot",
    ),
    KHYBER_PAKHTUNKHWA: (
        "Abbottabad", "Bajaur", "Bannu", "Battagram", "Buner", "Charsadda", "Dera Ismail Khan",
        "Hangu", "Haripur", "Karak", "Khyber", "Kohat", "Kolai-Palas", "Kurram", "Lakki Marwat",
        "Lower Chitral", "Lower Dir", "Lower Kohistan", "Lower South Waziristan", "Malakand",
        "Mansehra", "Mardan", "Mohmand", "North Waziristan", "Nowshera", "Orakzai", "Peshawar",
        "Shangla", "Swabi", "Swat", "Tank", "Torghar", "Upper Chitral", "Upper Dir",
        "Upper Kohistan", "Upper South Waziristan",
    ),
    BALOCHISTAN: (
        "Awaran", "Barkhan", "Chagai", "Chaman", "Dera Bugti", "Duki", "Gwadar", "Harnai", "Hub",
        "Jafarabad", "Jhal Magsi", "Kachhi", "Kalat", "Kech", "Kharan", "Khuzdar",
        "Killa Abdullah", "Killa Saifullah", "Kohlu", "Lasbela", "Loralai", "Mastung",
        "Musakhel", "Nasirabad", "Nushki", "Panjgur", "Pishin", "Quetta", "Sherani", "Sibi",
        "Sohbatpur", "Surab", "Usta Muhammad", "Washuk", "Zhob", "Ziarat",
    ),
    ISLAMABAD: ("Islamabad",),
    GILGIT_BALTISTAN: (
        "Astore", "Darel", "Diamer", "Ghanche", "Ghizer", "Gilgit", "Gupis-Yasin", "Hunza",
        "Kharmang", "Nagar", "Roundu", "Shigar", "Skardu", "Tangir",
    ),
    AZAD_KASHMIR: (
        "Bagh", "Bhimber", "Hattian Bala", "Haveli", "Kotli", "Mirpur", "Muzaffarabad", "Neelum",
        "Poonch", "Sudhnoti",
    ),
}  # fmt: skip

PROVINCE_ALIASES: dict[str, str] = {
    "PB": PUNJAB, "PUNJAB": PUNJAB, "PUN": PUNJAB,
    "SD": SINDH, "SINDH": SINDH, "SIND": SINDH,
    "KP": KHYBER_PAKHTUNKHWA, "KPK": KHYBER_PAKHTUNKHWA, "KHYBERPAKHTUNKHWA": KHYBER_PAKHTUNKHWA,
    "NWFP": KHYBER_PAKHTUNKHWA, "FATA": KHYBER_PAKHTUNKHWA,  # merged into KP in 2018
    "BA": BALOCHISTAN, "BL": BALOCHISTAN, "BALOCHISTAN": BALOCHISTAN, "BALUCHISTAN": BALOCHISTAN,
    "ICT": ISLAMABAD, "IS": ISLAMABAD, "ISLAMABAD": ISLAMABAD,
    "ISLAMABADCAPITALTERRITORY": ISLAMABAD, "FEDERALCAPITAL": ISLAMABAD,
    "GB": GILGIT_BALTISTAN, "GILGITBALTISTAN": GILGIT_BALTISTAN,
    "AJK": AZAD_KASHMIR, "AJ&K": AZAD_KASHMIR, "AJANDK": AZAD_KASHMIR,
    "AZADKASHMIR": AZAD_KASHMIR, "AZADJAMMUANDKASHMIR": AZAD_KASHMIR,
    "AZADJAMMUKASHMIR": AZAD_KASHMIR,
}  # fmt: skip

# Old names, abbreviations and spellings people actually write -> the district's current name.
DISTRICT_ALIASES: dict[str, str] = {
    "DGKHAN": "Dera Ghazi Khan", "DIKHAN": "Dera Ismail Khan",
    "TTSINGH": "Toba Tek Singh", "RYKHAN": "Rahim Yar Khan", "MANDIBAHAUDDIN": "Mandi Bahauddin",
    "MBDIN": "Mandi Bahauddin", "NANKANA": "Nankana Sahib", "SHEIKHUPURA": "Sheikhupura",
    "NAWABSHAH": "Shaheed Benazirabad", "BENAZIRABAD": "Shaheed Benazirabad",
    "MIRPURKHAS": "Mirpur Khas", "KAMBARSHAHDADKOT": "Qambar Shahdadkot",
    "QAMBARSHAHDADKOT": "Qambar Shahdadkot", "NAUSHAHROFEROZ": "Naushahro Feroze",
    "NAUSHEROFEROZ": "Naushahro Feroze", "KEMARI": "Keamari", "KARACHIKEAMARI": "Keamari",
    "KARACHIMALIR": "Malir", "KARACHIKORANGI": "Korangi", "TANDOALLAHYAR": "Tando Allahyar",
    "TMKHAN": "Tando Muhammad Khan", "THAR": "Tharparkar", "MITHI": "Tharparkar",
    "KACHHIBOLAN": "Kachhi", "BOLAN": "Kachhi", "TURBAT": "Kech", "KECHTURBAT": "Kech",
    "QILAABDULLAH": "Killa Abdullah", "QILLAABDULLAH": "Killa Abdullah",
    "QILASAIFULLAH": "Killa Saifullah", "QILLASAIFULLAH": "Killa Saifullah",
    "LASBELLA": "Lasbela", "MUSAKHAIL": "Musakhel", "DERAMURADJAMALI": "Nasirabad",
    "ISLAMABADCAPITALTERRITORY": "Islamabad", "ICT": "Islamabad",
    "RAWALAKOT": "Poonch", "JHELUMVALLEY": "Hattian Bala", "HATTIAN": "Hattian Bala",
    "NEELUMVALLEY": "Neelum", "PALLANDRI": "Sudhnoti", "KOHISTANLOWER": "Lower Kohistan",
    "KOHISTANUPPER": "Upper Kohistan", "DIRLOWER": "Lower Dir", "DIRUPPER": "Upper Dir",
    "CHITRALLOWER": "Lower Chitral", "CHITRALUPPER": "Upper Chitral", "ABBOTABAD": "Abbottabad",
    "KHYBERAGENCY": "Khyber", "BAJAURAGENCY": "Bajaur", "MOHMANDAGENCY": "Mohmand",
    "KURRAMAGENCY": "Kurram", "ORAKZAIAGENCY": "Orakzai",
}  # fmt: skip

# Names that are a city or a former district split into several districts: ask which one.
AMBIGUOUS_DISTRICTS: dict[str, tuple[str, ...]] = {
    "KARACHI": ("Karachi Central", "Karachi East", "Karachi South", "Karachi West", "Keamari",
                "Korangi", "Malir"),
    "CHITRAL": ("Lower Chitral", "Upper Chitral"),
    "DIR": ("Lower Dir", "Upper Dir"),
    "KOHISTAN": ("Lower Kohistan", "Upper Kohistan"),
    "SOUTHWAZIRISTAN": ("Lower South Waziristan", "Upper South Waziristan"),
}  # fmt: skip

_KEY = re.compile(r"[^A-Z&]")


def _key(name: str) -> str:
    return _KEY.sub("", (name or "").upper()).replace("DISTRICT", "") or ""


_PROVINCE_BY_KEY = {_key(p): p for p in DISTRICTS} | PROVINCE_ALIASES
_DISTRICT_BY_KEY: dict[str, str] = {
    _key(d): d for districts in DISTRICTS.values() for d in districts
} | DISTRICT_ALIASES
PROVINCE_OF_DISTRICT: dict[str, str] = {
    d: province for province, districts in DISTRICTS.items() for d in districts
}


class UnknownPlace(ValueError):
    """The name is not a province or district of Pakistan; the message says what to send."""


def canonical_province(name: str) -> str:
    """``"KPK"`` -> ``"Khyber Pakhtunkhwa"``; raises ``UnknownPlace``."""
    province = _PROVINCE_BY_KEY.get(_key(name))
    if province is None:
        raise UnknownPlace(
            f"{name!r} is not a province or territory of Pakistan; use one of: "
            + ", ".join(DISTRICTS)
            + "."
        )
    return province


def canonical_district(name: str, province: str | None = None) -> str:
    """The district's current name, checked against ``province`` when given."""
    key = _key(name)
    if key in AMBIGUOUS_DISTRICTS:
        options = ", ".join(AMBIGUOUS_DISTRICTS[key])
        raise UnknownPlace(f"{name!r} covers several districts; use one of: {options}.")
    district = _DISTRICT_BY_KEY.get(key)
    if district is None:
        raise UnknownPlace(f"{name!r} is not a district of Pakistan.")
    if province is not None and PROVINCE_OF_DISTRICT[district] != province:
        raise UnknownPlace(f"{district} is in {PROVINCE_OF_DISTRICT[district]}, not in {province}.")
    return district
