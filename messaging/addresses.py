"""MSSanté addresses: how a professional's is derived, and what an address says about its holder.

- a professional: ``prenom.nom@<domain>.mssante.fr``, the domain being their establishment's
  (``ch-sainte-odile``: the name shortened as the hospitals' own domains are) or, without one,
  their profession's, as Mailiz does (``medecin.mssante.fr``); ascii-folded, lower case; a numeric
  suffix when the address is taken (``jean.martin2@…``). Derived once, stored with the mailbox;
- a patient: ``<INS>@patient.mssante.fr`` (Mon espace santé's messaging);
- anything under ``mssante.fr`` that the portal does not host belongs to another operator of the
  MSSanté trust space: relayed by SMTP. Other addresses are outside the trust space: refused.
"""

import re
import unicodedata

from accounts.models import Establishment, User

TRUST_DOMAIN = "mssante.fr"
PATIENT_DOMAIN = "patient.mssante.fr"
MAX_LOCAL_PART = 64  # RFC 5321

# Words a hospital domain drops, and the usual abbreviations of the rest.
_STOP_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "sur", "aux", "au"})
_ABBREVIATIONS = (
    ("centre hospitalier regional universitaire", "chru"),
    ("centre hospitalier universitaire", "chu"),
    ("centre hospitalier regional", "chr"),
    ("centre hospitalier", "ch"),
    ("maison de sante pluriprofessionnelle", "msp"),
    ("maison de sante", "msp"),
)


def ascii_fold(value: str) -> str:
    """ "Anaïs Lorrain-Œdipe" -> "anais lorrain-oedipe": accents dropped, ligatures spelled out."""
    value = value.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()


def _words(value: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", ascii_fold(value))


def establishment_domain(establishment: Establishment) -> str:
    """ "Centre hospitalier Sainte-Odile" -> "ch-sainte-odile.mssante.fr"."""
    name = " ".join(_words(establishment.name))
    for long, short in _ABBREVIATIONS:
        name = re.sub(rf"\b{long}\b", short, name)
    words = [word for word in name.split() if word not in _STOP_WORDS]
    return f"{'-'.join(words)[:60].strip('-') or 'etablissement'}.{TRUST_DOMAIN}"


def profession_domain(user: User) -> str:
    """Mailiz's domains: "Médecin" -> "medecin.mssante.fr"."""
    words = _words(user.profession.label) if user.profession_id else []
    return f"{''.join(words[:1]) or 'professionnel'}.{TRUST_DOMAIN}"


def local_part(user: User) -> str:
    """ "Élise", "Marchal-Kœnig" -> "elise.marchal-koenig"."""
    first = "-".join(_words(user.first_name)) or "professionnel"
    last = "-".join(_words(user.last_name)) or user.rpps or "inconnu"
    return f"{first}.{last}"[: MAX_LOCAL_PART - 4]


def patient_address(ins: str) -> str:
    return f"{ins}@{PATIENT_DOMAIN}"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_patient_address(address: str) -> bool:
    return domain_of(address) == PATIENT_DOMAIN


def in_trust_space(address: str) -> bool:
    domain = domain_of(address)
    return domain == TRUST_DOMAIN or domain.endswith(f".{TRUST_DOMAIN}")
