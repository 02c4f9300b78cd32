"""The survey of the workshop's slides, as data (the page draws it; templates hold no figures).

Source: « Modalités d'accès et utilisation du Dossier Médical Partagé de Mon espace santé »,
ARS Grand Est and Omédit Grand Est, 14 March 2024, part 02 "Enquête utilisation du DMP"
(the slide "Enquête auprès des pharmaciens hospitaliers des MCO de la région"). The answers are
copied in the slide's own words; only the capitals of the slide are undone. The slide gives
percentages only, not how many answered each question.
"""

from dataclasses import dataclass

SOURCE = (
    "Atelier « Modalités d'accès et utilisation du Dossier Médical Partagé de Mon espace santé », "
    "ARS Grand Est et Omédit Grand Est, 14 mars 2024"
)
TITLE = "Enquête auprès des pharmaciens hospitaliers des MCO de la région"
RESPONDENTS = 58
ESTABLISHMENTS = 49


@dataclass(frozen=True)
class Answer:
    percent: int
    # The slide's sentence, whose subject is "the pharmacists who answered".
    label: str


# In decreasing order (the slide lays them out as tiles: 23, 21, 5, 3, 10, then "aucun").
ANSWERS: tuple[Answer, ...] = (
    Answer(23, "savent comment accéder au DMP des patients"),
    Answer(21, "utilisent une MSSanté pour contacter d'autres professionnels de santé"),
    Answer(10, "ont des échanges avec leurs CPTS sur ce sujet"),
    Answer(5, "accèdent au DMP via leur DPI"),
    Answer(3, "utilisent les informations patients du DMP dans leur pratique"),
    # "Aucun pharmacien n'utilise la MS citoyenne pour échanger avec ses patients."
    Answer(0, "utilisent la MS citoyenne pour échanger avec leurs patients"),
)
