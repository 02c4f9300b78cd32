"""Fictive directory entries for the demo and the benchmark: deterministic, French, skewed.

Names are drawn with a Zipf-like skew (MARTIN is common, KIEFFER rare, as in France), with accents,
hyphens, particles and compound first names; professions and communes follow rough national
proportions. Entry `index` of a seed is always the same listing, whatever was drawn before, so
50,000 entries are the first 50,000 of 500,000. RPPS numbers are "108" + the index + a Luhn key:
fictive, well-formed, never those of workshop/demo.py ("1099…") or of the trainees.
"""

import random
import unicodedata
from collections.abc import Iterator
from functools import cache
from itertools import accumulate

from accounts.identifiers import with_luhn_key
from accounts.models import Civility, PracticeMode
from directory.models import DirectoryEntry
from directory.services import Listing, Situation, entries_create

RPPS_PREFIX = "108"
INDEX_DIGITS = 7  # up to ten million entries

LAST_NAMES = (
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Müller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "López",
    "Jean",
    "Dupuy",
    "Guillot",
    "Hubert",
    "Berger",
    "Carpentier",
    "Sánchez",
    "Dupuis",
    "Moulin",
    "Louis",
    "Deschamps",
    "Huet",
    "Vasseur",
    "Perez",
    "Boucher",
    "Fleury",
    "Royer",
    "Klein",
    "Jacquet",
    "Adam",
    "Paris",
    "Poirier",
    "Marty",
    "Aubry",
    "Guyot",
    "Carré",
    "Charles",
    "Renault",
    "Charpentier",
    "Ménard",
    "Maillard",
    "Baron",
    "Bertin",
    "Bailly",
    "Hervé",
    "Schneider",
    "Fernandez",
    "Collet",
    "Léger",
    "Bouvier",
    "Julien",
    "Prévost",
    "Millet",
    "Perrot",
    "Daniel",
    "Weber",
    "Kieffer",
    "Wendling",
    "Gangloff",
    "Holtzinger",
    "Riehl",
    "Schaller",
    "Brunner",
    "Rothenbach",
    "Marchal",
    "Gerbaut",
    "Lorrain",
    "Hoffmann",
    "Wagner",
    "Koenig",
    "Zimmermann",
    "Haas",
    "Huber",
    "Schwartz",
    "Bauer",
    "Keller",
    "Frey",
    "Ehrhart",
    "Stoeckel",
    "Heitz",
    "Kuntz",
    "Roth",
    "Fritsch",
    "Ott",
    "Le Gall",
    "Le Goff",
    "Le Roux",
    "Le Bihan",
    "Guillou",
    "Le Corre",
    "Tanguy",
    "Kerbrat",
    "Santoni",
    "Orsoni",
    "Casanova",
    "Ferrari",
    "Nguyen",
    "Tran",
    "Benali",
    "Haddad",
    "Mansour",
    "Diallo",
    "Traoré",
    "Da Silva",
    "Dos Santos",
    "Pereira",
    "Ferreira",
    "D'Almeida",
    "N'Diaye",
    "D'Arcy",
    "De La Fontaine",
    "Lévêque",
    "Bénard",
    "Côté",
    "Hébert",
    "Thérèse",
    "Évrard",
    "Éloi",
    "Crépin",
    "Lefranc",
    "Œillet",
    "Bœuf",
    "Ægerter",
    "Pâris",
    "Guénolé",
    "Jégou",
    "Hélias",
    "Quéré",
    "Besançon",
)

FEMALE_FIRST_NAMES = (
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Sophie",
    "Christine",
    "Valérie",
    "Sandrine",
    "Céline",
    "Aurélie",
    "Julie",
    "Émilie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Élodie",
    "Hélène",
    "Anaïs",
    "Zoé",
    "Maëlle",
    "Noémie",
    "Agnès",
    "Béatrice",
    "Mélanie",
    "Laetitia",
    "Gaëlle",
    "Clémence",
    "Océane",
    "Éléonore",
    "Françoise",
    "Geneviève",
    "Marie-Hélène",
    "Anne-Sophie",
    "Marie-Claire",
    "Jeanne",
    "Louise",
    "Alice",
    "Lucie",
    "Pauline",
    "Margaux",
    "Laure",
    "Bérénice",
    "Solène",
    "Maïwenn",
    "Aurélia",
    "Cécile",
    "Odile",
)
MALE_FIRST_NAMES = (
    "Jean",
    "Pierre",
    "Philippe",
    "Michel",
    "Alain",
    "Nicolas",
    "Christophe",
    "Stéphane",
    "Laurent",
    "Frédéric",
    "Sébastien",
    "Julien",
    "Thomas",
    "Antoine",
    "Maxime",
    "Hugo",
    "Lucas",
    "Théo",
    "Noé",
    "Raphaël",
    "Gaël",
    "Loïc",
    "Jérôme",
    "Cédric",
    "Benoît",
    "Grégoire",
    "Rémi",
    "Aurélien",
    "Mickaël",
    "Joël",
    "Noël",
    "Hervé",
    "Éric",
    "Jean-Pierre",
    "Jean-François",
    "Pierre-Yves",
    "Jean-Baptiste",
    "Marc",
    "Louis",
    "Paul",
    "Étienne",
    "François",
    "Bastien",
    "Matthieu",
    "Yannick",
    "Ronan",
    "Killian",
    "Mathis",
    "Adrien",
    "Clément",
    "Jules",
)

# TRE_G15 code, weight (rough share of the RPPS), function, MSSanté domain of the liberal ones.
PROFESSIONS = (
    ("60", 36, "Infirmier", "infirmier"),
    ("10", 24, "Médecin", "medecin"),
    ("70", 10, "Masseur-kinésithérapeute", "mk"),
    ("21", 8, "Pharmacien", "pharmacien"),
    ("40", 5, "Chirurgien-dentiste", "chirurgien-dentiste"),
    ("50", 3, "Sage-femme", "sagefemme"),
    ("39", 4, "Préparateur en pharmacie", ""),
    ("80", 2, "Pédicure-podologue", "pedicure-podologue"),
    ("91", 3, "Orthophoniste", ""),
    ("92", 1, "Orthoptiste", ""),
    ("26", 1, "Audioprothésiste", ""),
    ("28", 2, "Opticien-lunetier", ""),
    ("95", 1, "Diététicien", ""),
)
SPECIALTIES = (
    "Médecine générale",
    "Anesthésie-réanimation",
    "Cardiologie et maladies vasculaires",
    "Pédiatrie",
    "Psychiatrie",
    "Radiodiagnostic et imagerie médicale",
    "Gynécologie-obstétrique",
    "Ophtalmologie",
    "Dermatologie et vénéréologie",
    "Gériatrie",
    "Médecine d'urgence",
    "Oto-rhino-laryngologie",
    "Pneumologie",
    "Gastro-entérologie et hépatologie",
    "Rhumatologie",
    "Néphrologie",
    "Endocrinologie-diabétologie-nutrition",
    "Oncologie",
    "Neurologie",
    "Chirurgie orthopédique et traumatologie",
)
SPECIALTY_WEIGHTS = (45, 6, 5, 5, 5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 2, 2, 2)

# Communes with a rough weight (their share of professionals); the first ones have a CHU.
CITIES = (
    ("Paris", 40),
    ("Marseille", 14),
    ("Lyon", 14),
    ("Toulouse", 11),
    ("Nice", 7),
    ("Nantes", 7),
    ("Strasbourg", 7),
    ("Montpellier", 7),
    ("Bordeaux", 7),
    ("Lille", 7),
    ("Rennes", 5),
    ("Reims", 4),
    ("Saint-Étienne", 4),
    ("Nancy", 4),
    ("Metz", 3),
    ("Besançon", 3),
    ("Dijon", 3),
    ("Angers", 3),
    ("Grenoble", 4),
    ("Brest", 3),
    ("Clermont-Ferrand", 3),
    ("Limoges", 2),
    ("Amiens", 2),
    ("Tours", 3),
    ("Caen", 2),
    ("Rouen", 3),
    ("Poitiers", 2),
    ("Nîmes", 2),
    ("Mulhouse", 2),
    ("Colmar", 1),
    ("Haguenau", 1),
    ("Épinal", 1),
    ("Thionville", 1),
    ("Troyes", 1),
    ("Charleville-Mézières", 1),
    ("Chaumont", 1),
    ("Bar-le-Duc", 1),
    ("Saint-Louis", 1),
    ("Saint-Dié-des-Vosges", 1),
    ("Sélestat", 1),
    ("Lunéville", 1),
    ("Verdun", 1),
    ("Sarreguemines", 1),
    ("Forbach", 1),
    ("Châlons-en-Champagne", 1),
    ("Ajaccio", 1),
    ("Bastia", 1),
    ("Pointe-à-Pitre", 1),
    ("Fort-de-France", 1),
    ("Saint-Denis", 2),
)
UNIVERSITY_CITIES = 28
HOSPITAL_SHARE = {"60": 55, "10": 40, "21": 25, "50": 50, "39": 30}  # % salaried in a hospital
LIBERAL_STRUCTURES = {
    "21": (
        "Pharmacie du Centre",
        "Pharmacie de la Gare",
        "Grande Pharmacie {of_city}",
        "Pharmacie des Halles",
    ),
    "39": ("Pharmacie du Marché", "Pharmacie de la Cathédrale", "Pharmacie Saint-Jean"),
    "40": ("Cabinet dentaire {last}", "Centre dentaire {of_city}"),
    "70": ("Cabinet de kinésithérapie {last}", "Centre de rééducation {of_city}"),
    "28": ("Optique {last}", "Les Opticiens {of_city}"),
    "26": ("Audition {last}", "Centre auditif {of_city}"),
}
DEFAULT_STRUCTURES = (
    "Cabinet {last}",
    "Maison de santé pluriprofessionnelle {of_city}",
    "Centre de santé {of_city}",
    "Cabinet médical des Tilleuls",
)


def fictive_rpps(index: int) -> str:
    return with_luhn_key(f"{RPPS_PREFIX}{index:0{INDEX_DIGITS}d}")


def _zipf(values: tuple, exponent: float = 1.0) -> tuple[tuple, list[float]]:
    return values, list(accumulate(1 / (rank + 1) ** exponent for rank in range(len(values))))


def _weighted(pairs: tuple) -> tuple[tuple, list[float]]:
    return tuple(value for value, _ in pairs), list(accumulate(weight for _, weight in pairs))


_LAST = _zipf(LAST_NAMES, 0.9)
_FEMALE = _zipf(FEMALE_FIRST_NAMES, 0.7)
_MALE = _zipf(MALE_FIRST_NAMES, 0.7)
_PROFESSIONS = (PROFESSIONS, list(accumulate(row[1] for row in PROFESSIONS)))
_CITIES = _weighted(CITIES)
_SPECIALTIES = (SPECIALTIES, list(accumulate(SPECIALTY_WEIGHTS)))


def _draw(rng: random.Random, table: tuple[tuple, list[float]]):  # type: ignore[no-untyped-def]
    values, cumulative = table
    return rng.choices(values, cum_weights=cumulative)[0]


def _of(city: str) -> str:
    """ "de Metz", "d'Épinal" (elision before a vowel)."""
    return f"d'{city}" if _slug(city)[:1] in "aeiouy" else f"de {city}"


@cache  # names repeat: "martin" is slugged once
def _slug(value: str) -> str:
    ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_only).split())


class FictiveDirectory:
    """Listings of one seed, in index order. MSSanté addresses stay unique across the listings this
    object made (a homonym gets "prenom.nom2@…", as Mailiz numbers them)."""

    def __init__(self, seed: int = 2026) -> None:
        self.seed = seed
        self._local_parts: dict[str, int] = {}

    def listings(self, start: int, count: int) -> Iterator[Listing]:
        for index in range(start, start + count):
            yield self.listing(index)

    def listing(self, index: int) -> Listing:
        rng = random.Random(self.seed * 10**INDEX_DIGITS + index)  # noqa: S311 - fictive data, reproducible
        female = rng.random() < 0.6
        first_name = _draw(rng, _FEMALE if female else _MALE)
        last_name = _draw(rng, _LAST)
        if rng.random() < 0.06:  # a compound name: "Martin-Kieffer"
            last_name = f"{last_name}-{_draw(rng, _LAST)}"
        code, _, role, domain = _draw(rng, _PROFESSIONS)
        city = _draw(rng, _CITIES)
        situations = [self._situation(rng, code, role, last_name, city)]
        if rng.random() < 0.12:  # a second situation, often in another commune
            situations.append(self._situation(rng, code, role, last_name, _draw(rng, _CITIES)))
        has_email, has_mobile = rng.random() < 0.75, rng.random() < 0.65
        addresses = ()
        if rng.random() < 0.55:
            host = domain or "mailiz"
            if situations[0].mode == PracticeMode.SALARIE:  # the hospital's domain: chu-lyon, ch-colmar
                kind = "chu" if "universitaire" in situations[0].structure_name else "ch"
                host = f"{kind}-{_slug(situations[0].city)}"
            addresses = (self._address(first_name, last_name, host),)
        return Listing(
            rpps=fictive_rpps(index),
            civility=Civility.MME if female else Civility.M,
            first_name=first_name,
            last_name=last_name,
            profession_code=code,
            specialty=_draw(rng, _SPECIALTIES) if code == "10" else "",
            has_email=has_email,
            has_mobile=has_mobile,
            situations=tuple(situations),
            addresses=addresses,
        )

    @staticmethod
    def _situation(rng: random.Random, code: str, role: str, last_name: str, city: str) -> Situation:
        if rng.randrange(100) < HOSPITAL_SHARE.get(code, 5):
            university = [name for name, _ in CITIES[:UNIVERSITY_CITIES]]
            kind = "Centre hospitalier universitaire" if city in university else "Centre hospitalier"
            return Situation(f"{kind} {_of(city)}", city, PracticeMode.SALARIE, role)
        template = rng.choice(LIBERAL_STRUCTURES.get(code, DEFAULT_STRUCTURES))
        structure = template.format(of_city=_of(city), last=last_name.upper())
        return Situation(structure, city, PracticeMode.LIBERAL, role)

    def _address(self, first_name: str, last_name: str, host: str) -> str:
        local = f"{_slug(first_name)}.{_slug(last_name)}".replace("-", "")
        seen = self._local_parts.get(f"{local}@{host}", 0)
        self._local_parts[f"{local}@{host}"] = seen + 1
        suffix = str(seen + 1) if seen else ""
        return f"{local}{suffix}@{host}.mssante.fr"


def fictive_entries_ensure(count: int, *, seed: int = 2026) -> int:
    """The first `count` fictive entries of `seed`, those missing created (one query to find them,
    bulk inserts); returns how many were created. Run again, it creates nothing."""
    first, last = fictive_rpps(0), fictive_rpps(count - 1)  # RPPS order is index order
    present = set(
        DirectoryEntry.objects.filter(rpps__gte=first, rpps__lte=last).values_list("rpps", flat=True)
    )
    directory = FictiveDirectory(seed)
    return entries_create(listing for listing in directory.listings(0, count) if listing.rpps not in present)
