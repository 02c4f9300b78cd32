"""French identities for the benchmark dataset: surnames with a realistic skew, first names, places.

A few hundred frequent surnames carry about a third of the population (as in France, where MARTIN
alone is about 0.3 %), and a long tail built from syllables gives tens of thousands of rarer ones,
drawn log-uniformly so that most of them are shared by a handful of people. Accents, hyphens,
particles ("Le", "De La") and apostrophes appear where French names have them: the identity search
must match "LE-GALL", "Le Gall" and "le gall" alike (patients.normalize).
"""

import random
from datetime import date


def _words(text: str) -> tuple[str, ...]:
    """Long lists read best as prose: one space between names, "_" inside a name of two words."""
    return tuple(word.replace("_", " ") for word in text.split())


# Frequent surnames, most frequent first (rough national order). Weights fall as 1/rank.
COMMON_SURNAMES = _words(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller "
    "Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia "
    "Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard "
    "Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger "
    "Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc "
    "Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez "
    "Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris "
    "Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly "
    "Hervé Schneider Fernandez Le_Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le_Roux "
    "Cousin Germain Breton Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier Leblanc Barré Lebrun "
    "Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne "
    "Grondin Poulain Tessier Chevallier Collin Chauvin Da_Silva Bouchet Gay Lemaître Bénard Maréchal "
    "Humbert Reynaud Antoine Hoarau Perret Barthélémy Cordier Pichon Lejeune Gilbert Lamy Delaunay "
    "Pasquier Carlier Laporte Nguyen Dos_Santos Ferreira Benali Haddad Mansouri Traoré Diallo Le_Quinio"
)

# Syllables of the long tail: about 60 x 45 x 40 = 108,000 names (many sound French; some do not, as
# in real registers).
_TAIL_START = _words(
    "Ber Bou Cha Che Da De Du Fa Fer Ga Gau Gi Gou Ja Jou Ke La Le Lou Ma Mar Me Mo Na Ne Pa Pe Pi "
    "Po Ra Re Ro Sa Se So Ta Te Tou Va Ve Vi Bé Cé Dé Fé Gé Lé Mé Ré Té Ker Lan Plou Tré Gué Sé Hé "
    "Quê Châ Fré Pré"
)
_TAIL_MIDDLE = _words(
    "ra ri ro lan len lin mar mer mon nard naud quin ran ret rin ron ssel tel teau vil van bert dron "
    "gal gon lè mé né rè té vé zé cour champ font mont val bois las lou rou sau che"
)
_TAIL_END = (
    "", "t", "d", "x", "u", "eau", "ier", "ière", "in", "ine", "on", "onne", "et", "ette", "ot", "otte",
    "and", "ard", "aud", "ault", "ec", "ic", "ac", "y", "ey", "az", "oz", "ez", "el", "elle", "ès", "é",
    "ain", "aine", "ois", "oise", "oux", "ieu", "ane", "as",
)  # fmt: skip
TAIL_SIZE = len(_TAIL_START) * len(_TAIL_MIDDLE) * len(_TAIL_END)
_PARTICLES = ("Le ", "Le ", "De ", "De La ", "D'", "Du ")

MALE_FIRST_NAMES = _words(
    "Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Daniel Bernard Éric Frédéric "
    "Laurent Stéphane David Olivier Julien Sébastien Thierry Pascal Jacques Thomas Didier Gérard "
    "François Jean-Pierre Jean-Claude Jean-Luc Dominique Christian Antoine Alexandre Maxime Hugo Lucas "
    "Louis Gabriel Léo Raphaël Arthur Jules Noé Adam Mohamed Yanis Théo Kévin Jérôme Cédric Grégory "
    "Hervé Yves René André Marcel Roger Claude Benoît Rémi Loïc Gaël Anaël Mathéo Énzo Timothée"
)
FEMALE_FIRST_NAMES = _words(
    "Marie Nathalie Isabelle Sylvie Catherine Françoise Martine Christine Monique Valérie Sandrine "
    "Véronique Nicole Sophie Stéphanie Céline Chantal Patricia Jacqueline Anne Aurélie Julie Camille "
    "Émilie Laura Léa Manon Chloé Emma Inès Jade Louise Alice Lina Zoé Anaïs Hélène Mélanie Élodie "
    "Marie-Claire Marie-Christine Anne-Sophie Marie-Thérèse Geneviève Josiane Brigitte Agnès Cécile "
    "Maëlle Noémie Margaux Clémence Océane Ambre Fatima Aïcha Yasmine Lucie Juliette Héloïse Gaëlle"
)

# Departments of birth (INS positions 6-7) and the share of people born abroad (COG 99xxx).
_DEPARTMENTS = [f"{number:02d}" for number in range(1, 96) if number != 20] + ["2A", "2B"]
_COUNTRIES = ("99350", "99352", "99351", "99139", "99109", "99134", "99127", "99131", "99330", "99336")
BORN_ABROAD = 0.08


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


_COMMON_CUMULATIVE = _cumulative([1 / (rank + 8) for rank in range(len(COMMON_SURNAMES))])
# Share of the population carrying one of the frequent surnames.
COMMON_SHARE = 0.33


def tail_surname(index: int) -> str:
    """The index-th name of the long tail (0 <= index < TAIL_SIZE), always the same."""
    start, rest = divmod(index, len(_TAIL_MIDDLE) * len(_TAIL_END))
    middle, end = divmod(rest, len(_TAIL_END))
    return f"{_TAIL_START[start]}{_TAIL_MIDDLE[middle]}{_TAIL_END[end]}"


def surname(rng: random.Random) -> str:
    """One surname: frequent (weighted by rank) or from the tail (log-uniform: a few are shared
    by many, most by few); now and then with a particle or double-barrelled."""
    if rng.random() < COMMON_SHARE:
        name = rng.choices(COMMON_SURNAMES, cum_weights=_COMMON_CUMULATIVE)[0]
    else:
        name = tail_surname(int(TAIL_SIZE ** rng.random()) - 1)
        draw = rng.random()
        if draw < 0.04:
            name = rng.choice(_PARTICLES) + name
        elif draw < 0.07:
            name = f"{name}-{tail_surname(rng.randrange(TAIL_SIZE))}"
    return name


def first_names(rng: random.Random, sex: str) -> tuple[str, str]:
    """(first name, birth first names in civil-register order: the first one and up to two more)."""
    pool = MALE_FIRST_NAMES if sex == "M" else FEMALE_FIRST_NAMES
    # A triangular draw: the first names of the list are the most given.
    first = pool[int(rng.triangular(0, len(pool), 0))]
    others = [pool[rng.randrange(len(pool))] for _ in range(rng.choice((0, 1, 1, 2)))]
    return first, " ".join([first, *others])


def birth_place(rng: random.Random) -> str:
    """A COG code: a department and a commune number, or 99 and a country for a birth abroad."""
    if rng.random() < BORN_ABROAD:
        return rng.choice(_COUNTRIES)
    return f"{rng.choice(_DEPARTMENTS)}{rng.randrange(1, 700):03d}"


def ins_first13(sex: str, birth: date, cog: str, order: int) -> str:
    """The NIR's 13 first characters: sex, year, month, place of birth (COG), order number."""
    return f"{1 if sex == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}{cog}{order:03d}"
