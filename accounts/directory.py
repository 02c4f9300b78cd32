"""Who updates a professional's entry in the Annuaire santé, and what e-CPS needs from it.

The directory is fed by each profession's order (ordre national) for the seven professions that
have one; the other RPPS professions ("RPPS+": préparateurs, aides-soignants, audioprothésistes,
opticiens…) are registered by their employer, or by the ARS for those who practise on their own.
Codes are those of TRE_G15 (accounts/reference/professions_TRE_G15.csv).
"""

from accounts.models import User

ORDERS = {
    "10": "l'ordre des médecins",
    "21": "l'ordre des pharmaciens",
    "40": "l'ordre des chirurgiens-dentistes",
    "50": "l'ordre des sages-femmes",
    "60": "l'ordre des infirmiers",
    "69": "l'ordre des infirmiers",
    "70": "l'ordre des masseurs-kinésithérapeutes",
    "80": "l'ordre des pédicures-podologues",
}


def where_to_update(profession_code: str | None) -> str:
    """The end of "Mettez à jour ces informations …", naming who holds the directory entry."""
    order = ORDERS.get(profession_code or "")
    if order:
        return f"sur le site de {order}"
    return (
        "auprès de votre employeur, qui les renseigne dans RPPS+ (ou de votre ARS si vous exercez en libéral)"
    )


def updated_by(profession_code: str | None) -> str:
    """Who holds someone else's entry ("… se mettent à jour auprès de …"): the directory's page."""
    order = ORDERS.get(profession_code or "")
    if order:
        return f"auprès de {order}"
    return "auprès de son employeur, dans RPPS+ (ou de l'ARS pour un exercice libéral)"


def ecps_no_contact_message(user: User) -> str:
    """Workshop step 03: e-CPS sends its activation to the directory's email or mobile."""
    return (
        "Votre adresse électronique et votre numéro de téléphone mobile ne sont pas renseignés "
        "dans l'annuaire santé : l'application e-CPS ne peut pas être activée. Mettez à jour ces "
        f"informations {where_to_update(user.profession_id)}."
    )
