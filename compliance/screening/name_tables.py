"""Name tables for screening: spelling variants, titles, particles, entity words.

Plain data, read by `names.NameRules`; extend through `NameRules.extended(...)` rather than by
editing here when the change is a compliance team's configuration.
"""

# fmt: off

# canonical form -> other spellings seen in Pakistani, Afghan and Arab romanizations.
VARIANT_FAMILIES: dict[str, tuple[str, ...]] = {
    "muhammad": (
        "mohammad", "mohammed", "muhammed", "mohamed", "mohamad", "muhamad", "muhamed", "mohd",
        "md", "muhd", "mhd", "mohamud", "mohammod", "mahomed", "mohmmad", "muhammet", "mehmet",
        "mohummad", "mouhamed",
    ),
    "ahmad": ("ahmed", "ahmet", "ahmat", "ahamed", "ahmd"),
    "abdullah": ("abdulla", "abdallah", "abdalla", "abdollah", "abdoulah"),
    "rahman": ("rehman", "rahmaan", "rehmaan", "rahmān", "rahmon", "rahaman"),
    "rahim": ("raheem", "rehim", "reheem"),
    "hussain": ("hussein", "husain", "husein", "hossain", "hosain", "husayn", "hussayn", "hosein"),
    "hassan": ("hasan", "hassen", "hasen"),
    "usman": ("osman", "uthman", "othman", "usmaan", "osmaan", "usmon"),
    "umar": ("omar", "omer", "umer", "omur"),
    "yusuf": (
        "yousaf", "yousuf", "yousef", "yusef", "yusaf", "yosef", "youssef", "yousif", "yusif",
    ),
    "yousafzai": ("yousufzai", "yusufzai", "yousefzai", "yusafzai", "yousafzay"),
    "ilyas": ("elias", "ilyaas", "ilias", "elyas", "ilyes", "eliyas"),
    "ismail": ("ismael", "ismayil", "esmail", "ismaeel", "ismaail", "ismayl"),
    "ibrahim": ("ebrahim", "ibraheem", "ebraheem", "ibrahem", "ebrahem"),
    "qadir": ("qadeer", "kadir", "kadeer", "qader", "quadir", "qadr", "kader"),
    "chaudhry": (
        "chaudhary", "choudhry", "choudhary", "chaudhri", "chowdhury", "chaudhuri", "ch", "chodhry",
        "chaudry", "choudry", "chohdry", "chaudhery",
    ),
    "qureshi": ("quraishi", "qureishi", "koreshi", "kureshi", "qurashi", "qurayshi", "qurishi"),
    "siddiqui": ("siddiqi", "sidiqui", "sidiqi", "siddique", "siddiqe", "sidiqqui"),
    "butt": ("bhatt", "bhat", "but"),
    "baloch": ("baluch", "balooch", "biloch", "balouch"),
    "syed": ("sayed", "sayyid", "sayyed", "saiyid", "seyed", "sayid", "seyyed", "sied"),
    "shaikh": ("sheikh", "shaykh", "shaik", "sheik", "sheykh", "shekh", "shiekh", "sheikh"),
    "farooq": ("farouk", "faruq", "farooque", "faruk", "farouq", "farook", "faruque"),
    "mahmood": ("mahmud", "mehmood", "mahmoud", "mehmud", "mahmod"),
    "masood": ("masud", "masoud", "masaud"),
    "mansoor": ("mansur", "mansour"),
    "rauf": ("raoof", "raouf", "rawoof", "rauff", "raof"),
    "ghafoor": ("ghafur", "gafoor", "ghafour", "ghafoer"),
    "majid": ("majeed", "majed", "majiid"),
    "hamid": ("hameed", "hamed"),
    "rashid": ("rasheed", "rashed", "rachid"),
    "karim": ("kareem", "kerim"),
    "jamil": ("jameel", "jamail", "jamel"),
    "latif": ("lateef", "latef"),
    "farid": ("fareed", "fared"),
    "tariq": ("tarik", "tareq", "tarek", "tareeq"),
    "khalid": ("khaled", "khaleed"),
    "zubair": ("zubayr", "zubeir", "zobair", "zubeyr"),
    "iqbal": ("ikbal", "eqbal", "iqbaal"),
    "javed": ("jawed", "javaid", "javid", "jawaid", "javeed", "jawad"),
    "qasim": ("kasim", "qassim", "kasem", "qasem", "qaasim", "kassim"),
    "noor": ("nur", "nour", "noer"),
    "ullah": ("ulla", "ullaah", "ulah", "ulllah"),
    "haq": ("haque", "huq", "hak", "haqq"),
    "din": ("deen", "dean", "dien"),
    "fazl": ("fazal", "fazul", "fadl", "fadhl"),
    "anwar": ("anwer", "anwaar", "enver", "anvar"),
    "inam": ("inaam", "enam", "enaam"),
    "zia": ("ziya", "ziaa", "ziyaa"),
    "ata": ("atta", "ataa"),
    "habib": ("habeeb", "habeb"),
    "shams": ("shamas", "shamus"),
    "haroon": ("harun", "haroun", "haron"),
    "ayub": ("ayoub", "ayyub", "ayoob", "ayyoub"),
    "younis": ("yunus", "younus", "yunis", "younas", "yunas", "younes"),
    "aziz": ("azeez", "azis"),
    "saeed": ("saeid", "sayeed", "saied", "saeeid", "saaed"),
    "azhar": ("azher",),
    "sultan": ("sultaan", "soltan"),
    "nawaz": ("navaz", "nawaaz"),
    "haqqani": ("haqani", "haqqany"),
    "durrani": ("durani", "duranni"),
    "mehsud": ("mehsood", "mahsud", "mahsood"),
    "bilal": ("belal",),
    "imran": ("imraan", "emran"),
    "naveed": ("navid", "naved", "nawid"),
    "sadiq": ("sadik", "saadiq", "sadeq", "sadeeq"),
    "hakim": ("hakeem", "hakem"),
    "sattar": ("satar", "sattaar"),
    "wahab": ("wahhab", "wahaab"),
    "hidayat": ("hedayat", "hidayet"),
    "madina": ("madinah", "medina", "medinah", "madeena"),
    "taqwa": ("taqwah", "taqva"),
    "ittehad": ("ittihad", "etehad", "itihad", "ittahad"),
    "khair": ("khayr", "kheir", "khaer"),
    "ameen": ("amin", "amiin"),
    "rasool": ("rasul", "rasoul"),
    "shahid": ("shaheed",),
    "zahid": ("zaheed", "zahed"),
    "waheed": ("wahid", "waheed"),
    "nasir": ("naseer", "nasser", "naser"),
    "bashir": ("basheer", "bachir"),
    "nazir": ("nazeer",),
    "mujahid": ("mojahed", "mujahed"),
    "junaid": ("junaed", "junayd"),
    "owais": ("uwais", "awais", "uwes", "oways"),
    "suleman": ("sulaiman", "suleiman", "sulaman", "sulayman", "soliman", "sulaimaan"),
    "ghulam": ("gulam", "golam", "gholam"),
    "mustafa": ("mustafaa", "mostafa", "moustafa", "mustapha"),
    "mahdi": ("mehdi", "mahdee"),
    "mufti": ("mufty",),
    "wali": ("walli", "vali"),
    "kashmiri": ("kashmeeri", "kashmery"),
    "afridi": ("afredi", "afreedi"),
    "gul": ("gull",),
    "jan": ("jaan",),
    "khan": ("khaan",),
    "shah": ("shaah",),
    "ali": ("aly", "alee"),
    "osama": ("usama", "oussama", "usamah", "osamah"),
    "ladin": ("laden", "ladeen"),
    "abbas": ("abas",),
    "ghani": ("ghanee", "gani"),
    "waqar": ("vaqar",),
    "zaman": ("zamaan",),
    "asif": ("aasif", "asef"),
    "raza": ("riza", "reza", "rida", "ridha"),
    "mujeeb": ("mujib", "mojib"),
    "taliban": ("taleban",),
    "taiba": ("tayyiba", "tayyaba", "toiba", "taibah", "tayyibah"),
    "jaish": ("jaish", "jaysh", "jeish"),
    "muhammadi": ("mohammadi", "muhammedi"),
    "sahaba": ("sahabah",),
    "dawa": ("dawah", "daawa", "dawat", "daawat"),
}

# Spellings with more than one reading: each reading counts as the same name.
AMBIGUOUS_VARIANTS: dict[str, tuple[str, ...]] = {
    "said": ("syed", "saeed"),
    "saad": ("saad", "saeed"),
    "amin": ("ameen",),
}

# Dropped wherever they stand (when something is left): they are titles, not names.
HONORIFICS: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "doctor", "prof", "professor", "engr", "eng", "hafiz", "hafez",
    "hafidh", "maulana", "molana", "moulana", "mawlana", "maulvi", "molvi", "moulvi", "mawlawi",
    "maulvee", "mufti", "haji", "hajji", "alhaj", "alhajj", "qari", "qaari", "mullah", "mulla",
    "mollah", "allama", "allamah", "hazrat", "janab", "sahib", "sahab", "saheb", "marhoom", "late",
    "gen", "general", "col", "colonel", "maj", "major", "capt", "captain", "brig", "brigadier",
    "sir", "madam", "shri", "sri", "advocate", "adv", "justice", "retd", "rtd", "jr", "sr",
    "junior", "senior",
})

# Kept, but an unmatched one costs little: lineage titles and very common name elements.
WEAK_TOKENS: dict[str, float] = {
    "muhammad": 0.35, "abdul": 0.35, "syed": 0.4, "shaikh": 0.5, "mian": 0.4, "mir": 0.5,
    "pir": 0.4, "sardar": 0.4, "khawaja": 0.4, "khwaja": 0.4, "mirza": 0.5, "sahibzada": 0.3,
    "makhdoom": 0.4, "nawab": 0.4, "begum": 0.4, "bibi": 0.4, "ghulam": 0.6, "abu": 0.5,
}

# Look-alike names that are different names: never matched to each other as variants or typos.
DISTINCT_NAMES: tuple[tuple[str, str], ...] = (
    ("abdul", "abdullah"),
)

# Urdu compounding particles (the assimilated forms of the Arabic article al-).
U_PARTICLES: frozenset[str] = frozenset({
    "ul", "ur", "ud", "us", "un", "uz", "ush", "ut", "uth", "u",
})

# The Arabic article: joins a compound only before a known second element, else it is dropped.
ARTICLES: frozenset[str] = frozenset({
    "al", "el", "ad", "ar", "as", "az", "an", "ash", "at", "ed", "er", "es",
})

# Connectors inside Arabic names: dropped ("bin", "ibn").
CONNECTORS: frozenset[str] = frozenset({
    "bin", "ibn", "bint", "binti", "ben",
})

# The Persian izafat ("Lashkar-e-Taiba"), dropped from entity names.
IZAFAT: frozenset[str] = frozenset({
    "e", "i", "o",
})

# Second elements of Urdu particle compounds (canonical forms).
SECOND_ELEMENTS: frozenset[str] = frozenset({
    "din", "haq", "rahman", "rahim", "islam", "hasan", "hassan", "hussain", "amin", "ameen", "huda",
    "zaman", "mulk", "nisa", "nissa", "rab", "qadir", "karim", "majid", "aziz", "jabbar", "ghafoor",
    "rauf", "latif", "bari", "wahab", "sattar", "ghani", "hamid", "rashid", "salam", "mannan",
    "qayyum", "shakoor", "malik", "noor", "hadi", "wahid", "razzaq", "haleem", "habib", "azam",
    "abideen", "abidin", "dawa", "arifeen", "ansar", "mujahideen", "furqan", "quran",
})

# The second elements that mark a glued compound ("Nasiruddin", "Ziaul Haq"): a narrower set, as
# many names end in -ur/-ud/-ul by themselves (Talpur, Bahadur, Maqbul).
GLUED_SECOND_ELEMENTS: frozenset[str] = frozenset({
    "din", "haq", "rahman", "islam", "zaman", "amin", "ameen", "huda", "mulk", "nisa", "nissa",
    "rab", "abideen", "abidin",
})

# Names that end in -ur/-ud/-ul/-us/-un by themselves, never read as a glued compound (besides
# every spelling in VARIANT_FAMILIES and the place-derived -pur surnames such as Talpur).
STANDALONE_NAMES: frozenset[str] = frozenset({
    "bahadur", "taimur", "timur", "babur", "shakur", "ghayur", "manzur", "mashkur", "maqbul",
    "qabul", "bahlul", "rahul", "mamun", "maimun", "qudus", "quddus", "zaitun", "majnun",
})

# "Abd" forms that start an Abd-al-X name.
ABD_FORMS: frozenset[str] = frozenset({
    "abd", "abdel", "abdool", "abdal", "abdu", "abdur", "abdus", "abdul", "abdil", "abdoul",
    "abdol", "abdl", "abdou", "abdush", "abduz", "abdun", "abdud", "abdut",
})

# Relation markers: the name after the marker is the relative's, not the subject's.
RELATION_MARKERS: tuple[tuple[str, str], ...] = (
    (r"\bs\s*[/\\.]\s*o\b\.?", "s/o"),
    (r"\bd\s*[/\\.]\s*o\b\.?", "d/o"),
    (r"\bw\s*[/\\.]\s*o\b\.?", "w/o"),
    (r"\bson\s+of\b", "s/o"),
    (r"\bdaughter\s+of\b", "d/o"),
    (r"\b(?:wife|widow)\s+of\b", "w/o"),
    (r"\bwalad\b", "s/o"),
    (r"\bwald\b", "s/o"),
    (r"\bzoja\b", "w/o"),
    (r"\bzaujah?\b", "w/o"),
)

# Entity words: legal forms and generic terms (canonical form -> spellings).
ENTITY_TERMS: dict[str, tuple[str, ...]] = {
    "private": ("pvt", "pvte", "pte", "priv"),
    "limited": ("ltd", "limted", "lmtd", "ltda"),
    "company": ("co", "coy", "comp", "cie"),
    "corporation": ("corp", "corpn"),
    "incorporated": ("inc",),
    "trading": ("traders", "trader", "trade", "trdg"),
    "society": ("soc", "socy", "societies"),
    "foundation": ("fdn", "fndn", "foundations", "fund"),
    "trust": ("trusts",),
    "welfare": ("walfare",),
    "madrassa": ("madrasah", "madrasa", "madressa", "madarsa", "madrassah", "madrasa", "madarssa"),
    "exchange": ("exch", "xchange"),
    "international": ("intl", "int", "internacional"),
    "enterprises": ("enterprise", "ent", "ents"),
    "group": ("grp",),
    "association": ("assoc", "assn", "associaton"),
    "organization": ("organisation", "org", "orgn"),
    "industries": ("industry", "inds"),
    "services": ("service", "svcs", "svc"),
    "brothers": ("bros", "brother"),
    "network": (),
    "institute": ("inst",),
    "centre": ("center", "ctr"),
    "bank": (),
    "agency": ("agencies",),
    "charity": ("charitable",),
    "relief": (),
    "mosque": ("masjid",),
    "jamaat": ("jamat", "jamaa", "jamaah", "jamiat", "jammat"),
    "tanzeem": ("tanzim",),
    "tehreek": ("tehrik", "tahreek", "tahrik"),
    "lashkar": ("lashkare", "lashkr"),
    "anjuman": (),
    "idara": ("idarah",),
    "markaz": ("markaz",),
    "sipah": ("sipahe", "sepah"),
    "hizb": ("hezb", "hizbul"),
    "llc": (),
    "llp": (),
    "plc": (),
    "gmbh": (),
    "fze": (),
    "fzco": (),
}

# Words that carry nothing in an entity name.
ENTITY_STOPWORDS: frozenset[str] = frozenset({
    "the", "and", "of", "for", "al", "el", "m/s", "ms",
})

# Weight of a generic entity word (a distinctive word weighs 1).
ENTITY_TERM_WEIGHT = 0.4
# fmt: on
