"""The demo patients' documents and carnets de vaccination (seed_demo, after the accounts and patients).

The rich record (workshop.demo.RICH_RECORD) reproduces the slides' Récapitulatif and grid, as a
pharmacist sees them: "Tous les documents (11)", Imagerie médicale 1 (2023), Certificats,
déclarations 6 (4 in 2021, 1 in 2022, 1 in 2023), Données de remboursement 1 (2023), Documents
administratifs et de gestion 3 (1 in 2022, 2 in 2023). Those counts add up to the eleven documents,
so there is no twelfth: the slide's empty 2005-2007 and 2024 columns held documents its presenter
could not read, and the grid here reads "De 2021 à 2023". The other demo patients exercise
every rubrique and every confidentiality case (DOCUMENTS, `case`).

How they are written, so that everything is real:
- each file is built in memory (workshop/sample_files.py), accepted by the file pipeline
  (documents.filestore.accept), and stored by documents.services.document_add (a professional's document:
  random storage name under MEDIA_ROOT, SHA-256, practice snapshot, trace "a ajouté le document");
  archiving and deletion go through document_archive and document_delete, by the author;
- the reimbursement histories through documents.reimbursement.reimbursement_history_create;
- the documents of another source (Assurance Maladie's attestation, the patient's own) through
  documents.services.document_add_from_source;
- vaccinations through documents.services.vaccination_add.

Dates are fixed: document dates, and "ajouté le" (the services' added_at / recorded_at; the
trace keeps the moment of the seed; an archiving or deletion date is set after its service). One
exception, on purpose: the document "non visible par le patient" is added on the day of the seed
(its date is that day), so that the patient is told 14 days later and sees it one month after the
seed (for the trainees' copies: the day the workshop's model sandbox was built, daily).

Idempotent: a dataset document is known by (patient, type, title), whatever its status, and is
never added twice; a vaccination by (patient, vaccine, date, dose). Each document is added in its
own transaction, outside seed_demo's (a stored file must not outlive a rolled-back row).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from documents import filestore, reimbursement
from documents.models import (
    Document,
    DocumentSource,
    DocumentStatus,
    DocumentType,
    DoseType,
    Vaccination,
    still_hidden_from_patient,
)
from documents.services import (
    SOURCE_PRACTICE_SETTINGS,
    document_add,
    document_add_from_source,
    document_archive,
    document_delete,
    vaccination_add,
)
from patients.models import Patient, Sandbox
from workshop import sample_files
from workshop.demo import PATIENTS, PROFESSIONALS, DemoPatient

PARIS = ZoneInfo("Europe/Paris")
_MARCHAL, _WENDLING, _GERBAUT = (PROFESSIONALS[index].rpps for index in (0, 3, 4))
# "Expression personnelle du patient" (JDV_J04, TRE_A00)
PATIENT_PRACTICE_SETTING = SOURCE_PRACTICE_SETTINGS[DocumentSource.PATIENT]
FICTIVE = "Document fictif — atelier DMP, ARS Grand Est."


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A fixed moment, Paris time (what "ajouté le" shows)."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# Type codes (code system, code), from documents/reference/dmp_document_types.csv.
CR_IMAGERIE = ("LOINC", "18748-4")  # CR d'imagerie médicale
IMAGE_ILLUSTRATION = ("LOINC", "52040-3")  # Document encapsulant une image d'illustration non DICOM
CERTIFICAT_MEDICAL = ("LOINC", "89601-9")
CERTIFICAT_DECLARATION = ("TRE_A05", "CERT_DECL")
TROD = ("LOINC", "96173-0")  # Test rapide d'orientation diagnostique
CERTIFICAT_PATIENT = ("TRE_A05", "DOCPAT07")  # Certificat déposé par le patient
ATTESTATION_DROITS_AM = ("TRE_A05", "ATTEST-DROITS-AM")
ATTESTATION_COMPLEMENTAIRE = ("TRE_A05", "ATTEST-ASS-COMPL")
ATTESTATION_CONSENTEMENT = ("LOINC", "59284-0")
CR_BIOLOGIE = ("LOINC", "11502-2")  # CR d'examens biologiques
CR_ANAPATH = ("LOINC", "60568-3")  # CR d'anatomie et de cytologie pathologiques
CR_CONSULTATION = ("LOINC", "11488-4")  # CR ou fiche de consultation ou de visite
CONCILIATION = ("LOINC", "80820-4")  # Formulaire de conciliation médicamenteuse (Hôpital)
DISPENSATION = ("LOINC", "60593-1")  # Dispensation médicamenteuse
INTERVENTION_PHARMACEUTIQUE = ("LOINC", "61357-0")
PRESCRIPTION_PRODUITS = ("LOINC", "57833-6")  # Prescription de produits de santé
SUIVI_SOINS = ("LOINC", "11506-3")  # CR ou fiche de suivi de soins par auxiliaire médical
NOTE_VACCINATION = ("LOINC", "87273-9")
SYNTHESE_MEDICALE = ("LOINC", "60591-5")
AUTRE_DOCUMENT_PATIENT = ("TRE_A05", "EXPPAT_2")


# What a document's content is: a file of one of the accepted formats, or a free text.
PDF, JPEG_PHOTO, JPEG_CARD, TIFF, RTF, TXT, FREE_TEXT = "pdf", "photo", "carte", "tiff", "rtf", "txt", "texte"
_BUILDERS: dict[str, tuple[str, Callable[..., bytes]]] = {
    PDF: ("pdf", sample_files.pdf),
    JPEG_PHOTO: ("jpg", lambda title, lines: sample_files.jpeg_photo(lines[0] if lines else title)),
    JPEG_CARD: ("jpeg", sample_files.jpeg_card),
    TIFF: ("tif", sample_files.tiff_scan),
    RTF: ("rtf", sample_files.rtf),
    TXT: ("txt", sample_files.text),
}


@dataclass(frozen=True)
class DemoDocument:
    patient: str  # DemoPatient.key
    type_code: tuple[str, str]  # (code system, code)
    title: str  # with the patient and the type, what identifies the document in the dataset
    document_date: date | None  # None: the day of the seed (the "non visible par le patient" case)
    added_at: datetime | None  # "ajouté le"; None: the moment of the seed
    content: str  # PDF, JPEG_PHOTO, JPEG_CARD, TIFF, RTF, TXT or FREE_TEXT
    body: tuple[str, ...]  # the lines of the file, or of the free text
    filename: str = ""  # the name "joined" (for a file)
    author: str = ""  # RPPS of the demo professional; "" for another source
    source: str = DocumentSource.PROFESSIONAL
    comment: str = ""
    event: tuple[date, date] | None = None
    masked_to_professionals: bool = False
    hidden_from_patient: bool = False
    hidden_from_legal_representatives: bool = False
    status: str = DocumentStatus.ACTIVE  # archived or deleted by its author, through the services
    status_changed_at: datetime | None = None
    case: str = ""  # what it shows in the workshop

    def file_content(self) -> tuple[str, bytes]:
        extension, build = _BUILDERS[self.content]
        return f"{self.filename}.{extension}", build(self.title, [*self.body, "", FICTIVE])


@dataclass(frozen=True)
class DemoReimbursement:
    """An "Historique de remboursement (CNAM-HR)" from Assurance Maladie: 24 months up to `on`."""

    patient: str
    on: date
    added_at: datetime
    lines: tuple[reimbursement.ReimbursementLine, ...] = field(default=())


@dataclass(frozen=True)
class DemoVaccination:
    patient: str
    vaccine: str
    vaccinated_on: date
    dose_type: str
    lot_number: str
    recorded_by: str  # RPPS
    recorded_at: datetime


def _line(on: date, label: str, amount: str, provider: str = "") -> reimbursement.ReimbursementLine:
    return reimbursement.ReimbursementLine(on=on, label=label, amount=Decimal(amount), provider=provider)


_WENDLING_LABEL = "Dr Antoine WENDLING, MSP des Trois Frontières"

# ---------------------------------------------------------------------------------------------
# The rich record: the slides' eleven documents.

RICH_DOCUMENTS = [
    DemoDocument(
        patient="holtzinger",
        type_code=CERTIFICAT_DECLARATION,
        title="Déclaration de choix du médecin traitant",
        document_date=date(2021, 2, 15),
        added_at=at(2021, 2, 15, 17, 40),
        content=PDF,
        filename="declaration-medecin-traitant",
        body=(
            "Assuré : M. HOLTZINGER Marc, né le 12/03/1958",
            "Médecin traitant choisi : Dr Antoine WENDLING (médecine générale)",
            "Maison de santé des Trois Frontières, Saint-Louis",
            "Déclaration conjointe signée au cabinet le 15/02/2021.",
        ),
        author=_WENDLING,
        comment="Transmise à la caisse d'assurance maladie le jour même.",
        case="Certificats, déclarations 2021 (1/4) : PDF",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=TROD,
        title="TROD angine à streptocoque A : résultat négatif",
        document_date=date(2021, 4, 7),
        added_at=at(2021, 4, 7, 11, 5),
        content=FREE_TEXT,
        body=(
            "Test rapide d'orientation diagnostique du streptocoque A réalisé en consultation.",
            "Score de Mac Isaac : 2.",
            "Résultat : négatif. Pas d'antibiothérapie ; traitement symptomatique.",
        ),
        author=_WENDLING,
        case="Certificats, déclarations 2021 (2/4) : texte libre (« Rédiger un document »)",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=CERTIFICAT_MEDICAL,
        title="Certificat de non contre-indication à la pratique du cyclisme",
        document_date=date(2021, 6, 21),
        added_at=at(2021, 6, 21, 18, 20),
        content=RTF,
        filename="certificat-cyclisme-2021",
        body=(
            "Je soussigné, Dr Antoine WENDLING, certifie avoir examiné ce jour M. HOLTZINGER Marc,",
            "né le 12/03/1958, et n'avoir constaté aucun signe clinique contre-indiquant",
            "la pratique du cyclisme, y compris en compétition.",
            "Certificat remis en main propre à l'intéressé pour servir et valoir ce que de droit.",
        ),
        author=_WENDLING,
        case="Certificats, déclarations 2021 (3/4) : RTF",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=CERTIFICAT_MEDICAL,
        title="Certificat médical initial d'accident du travail",
        document_date=date(2021, 11, 22),
        added_at=at(2021, 11, 22, 10, 15),
        content=PDF,
        filename="certificat-initial-accident-travail",
        body=(
            "Accident du travail du 19/11/2021 : chute de plain-pied sur le lieu de travail.",
            "Constatations : entorse bénigne de la cheville droite, sans fracture.",
            "Arrêt de travail jusqu'au 03/12/2021 inclus.",
        ),
        author=_WENDLING,
        event=(date(2021, 11, 19), date(2021, 11, 19)),
        case="Certificats, déclarations 2021 (4/4) : PDF, avec la date de l'évènement",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=CERTIFICAT_PATIENT,
        title="Certificat d'aptitude visuelle à la conduite",
        document_date=date(2022, 5, 16),
        added_at=at(2022, 5, 20, 20, 12),
        content=TIFF,
        filename="scan-certificat-ophtalmologiste",
        body=(
            "Examen ophtalmologique du 16/05/2022",
            "Acuité visuelle corrigée : 10/10 aux deux yeux",
            "Champ visuel : normal",
            "Apte à la conduite des véhicules du groupe léger",
        ),
        source=DocumentSource.PATIENT,
        case="Certificats, déclarations 2022 : déposé par le patient (TIFF scanné)",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=CERTIFICAT_MEDICAL,
        title="Certificat de non contre-indication à la pratique du cyclisme (renouvellement)",
        document_date=date(2023, 6, 26),
        added_at=at(2023, 6, 26, 18, 5),
        content=RTF,
        filename="certificat-cyclisme-2023",
        body=(
            "Je soussigné, Dr Antoine WENDLING, certifie avoir examiné ce jour M. HOLTZINGER Marc",
            "et n'avoir constaté aucun signe clinique contre-indiquant la pratique du cyclisme.",
            "Ulcère de jambe cicatrisé. Épreuve d'effort du 12/06/2023 normale.",
        ),
        author=_WENDLING,
        case="Certificats, déclarations 2023 : RTF",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=IMAGE_ILLUSTRATION,
        title="Photographie de l'ulcère de la jambe droite (suivi de cicatrisation)",
        document_date=date(2023, 3, 14),
        added_at=at(2023, 3, 14, 12, 30),
        content=JPEG_PHOTO,
        filename="photo-ulcere-jambe-droite",
        body=("Ulcère jambe droite, face interne, 14/03/2023 (règle en cm)",),
        author=_WENDLING,
        comment="Ulcère veineux de 3 cm sur 2 cm, photographié en consultation pour suivre la cicatrisation.",
        case="Imagerie médicale 2023 : photographie (JPEG)",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=ATTESTATION_DROITS_AM,
        title="Attestation de droits à l'assurance maladie",
        document_date=date(2022, 8, 5),
        added_at=at(2022, 8, 5, 8, 30),
        content=PDF,
        filename="attestation-droits-assurance-maladie",
        body=(
            "Bénéficiaire : M. HOLTZINGER Marc, né le 12/03/1958",
            "Régime général — caisse primaire d'assurance maladie du Bas-Rhin",
            "Droits ouverts du 01/08/2022 au 31/07/2023",
            "Médecin traitant déclaré : Dr Antoine WENDLING",
        ),
        source=DocumentSource.HEALTH_INSURANCE,
        case="Documents administratifs 2022 : « ajouté le 05/08/2022 par Assurance Maladie » (PDF)",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=ATTESTATION_COMPLEMENTAIRE,
        title="Attestation de complémentaire santé 2023",
        document_date=date(2023, 1, 9),
        added_at=at(2023, 1, 9, 19, 45),
        content=JPEG_CARD,
        filename="photo-carte-complementaire-2023",
        body=(
            "Bénéficiaire : HOLTZINGER Marc",
            "Contrat individuel : DEMO-2023-0415",
            "Validité : du 01/01/2023 au 31/12/2023",
            "Tiers payant : pharmacie, laboratoire, radiologie",
        ),
        source=DocumentSource.PATIENT,
        case="Documents administratifs 2023 (1/2) : photo déposée par le patient (JPEG)",
    ),
    DemoDocument(
        patient="holtzinger",
        type_code=ATTESTATION_CONSENTEMENT,
        title="Consentement au partage d'informations au sein de la maison de santé",
        document_date=date(2023, 9, 18),
        added_at=at(2023, 9, 18, 17, 50),
        content=PDF,
        filename="consentement-partage-msp",
        body=(
            "Je soussigné, M. HOLTZINGER Marc, accepte que les professionnels de santé",
            "de la maison de santé des Trois Frontières partagent les informations",
            "nécessaires à la coordination de mes soins (article L. 1110-4 du CSP).",
            "Recueilli par le Dr Antoine WENDLING le 18/09/2023.",
        ),
        author=_WENDLING,
        case="Documents administratifs 2023 (2/2) : PDF",
    ),
]

RICH_REIMBURSEMENT = DemoReimbursement(
    patient="holtzinger",
    on=date(2023, 10, 2),
    added_at=at(2023, 10, 2, 6, 0),
    lines=(
        _line(date(2023, 9, 18), "Consultation de médecine générale", "16.50", _WENDLING_LABEL),
        _line(date(2023, 6, 12), "Épreuve d'effort (cardiologie)", "66.61", "Cardiologue libéral, Mulhouse"),
        _line(date(2023, 3, 16), "Pansements hydrocolloïdes (boîte de 10)", "17.86", "Pharmacie d'officine"),
        _line(
            date(2023, 3, 15), "Soins infirmiers à domicile : pansement (AMI 4)", "8.82", "Infirmier libéral"
        ),
        _line(date(2023, 3, 14), "Consultation de médecine générale", "16.50", _WENDLING_LABEL),
        _line(date(2022, 10, 24), "Vaccin antigrippal (campagne 2022-2023)", "11.24", "Pharmacie d'officine"),
        _line(date(2022, 5, 16), "Consultation d'ophtalmologie", "21.50", "Ophtalmologiste, Strasbourg"),
        _line(date(2022, 2, 21), "Consultation de médecine générale", "16.50", _WENDLING_LABEL),
        _line(date(2021, 11, 22), "Consultation de médecine générale (accident du travail)", "25.00"),
        # Outside the 24 months up to 02/10/2023: left out of the document.
        _line(date(2021, 6, 21), "Consultation de médecine générale", "16.50", _WENDLING_LABEL),
    ),
)

# ---------------------------------------------------------------------------------------------
# The other demo patients: every rubrique and every confidentiality case.

OTHER_DOCUMENTS = [
    # Martine RIEHL: in care at the CH Sainte-Odile (Élise MARCHAL), médecin traitant Antoine WENDLING.
    DemoDocument(
        patient="riehl",
        type_code=CR_IMAGERIE,
        title="Mammographie bilatérale : compte rendu",
        document_date=date(2024, 11, 18),
        added_at=at(2024, 11, 20, 9, 10),
        content=PDF,
        filename="cr-mammographie",
        body=(
            "Indication : dépistage organisé du cancer du sein.",
            "Opacité de 12 mm du quadrant supéro-externe du sein gauche, classée ACR 4.",
            "Conclusion : microbiopsie recommandée.",
        ),
        author=_WENDLING,
        comment="Compte rendu du cabinet de radiologie, joint par le médecin traitant.",
        case="Imagerie médicale : compte rendu d'imagerie",
    ),
    DemoDocument(
        patient="riehl",
        type_code=CR_BIOLOGIE,
        title="Bilan biologique préopératoire",
        document_date=date(2024, 11, 28),
        added_at=at(2024, 11, 29, 8, 45),
        content=TXT,
        filename="bilan-biologique-preoperatoire",
        body=(
            "Prélèvement du 28/11/2024, laboratoire de biologie médicale",
            "Hémoglobine : 13,4 g/dL (12,0 - 16,0)",
            "Plaquettes : 245 G/L (150 - 400)",
            "TP : 98 % ; TCA : 1,02",
            "Créatinine : 68 µmol/L ; DFG (CKD-EPI) : 88 mL/min/1,73 m²",
            "Kaliémie : 4,1 mmol/L",
        ),
        author=_WENDLING,
        case="Biologie : compte rendu d'examens biologiques (fichier texte)",
    ),
    DemoDocument(
        patient="riehl",
        type_code=CONCILIATION,
        title="Conciliation médicamenteuse d'entrée",
        document_date=date(2024, 12, 9),
        added_at=at(2024, 12, 9, 16, 30),
        content=PDF,
        filename="conciliation-entree",
        body=(
            "Sources : patiente, ordonnance du médecin traitant, historique de dispensation.",
            "Traitement habituel : escitalopram 10 mg (1/j), atorvastatine 20 mg (1/j).",
            "Divergence non documentée : aucune.",
        ),
        author=_MARCHAL,
        event=(date(2024, 12, 9), date(2024, 12, 9)),
        status=DocumentStatus.ARCHIVED,
        status_changed_at=at(2025, 1, 6, 10, 0),
        case="Archivé par son autrice (Élise MARCHAL)",
    ),
    DemoDocument(
        patient="riehl",
        type_code=CR_CONSULTATION,
        title="Consultation de suivi : syndrome anxio-dépressif",
        document_date=date(2025, 2, 10),
        added_at=at(2025, 2, 10, 18, 30),
        content=RTF,
        filename="consultation-suivi",
        body=(
            "Suivi sous escitalopram 10 mg : amélioration de l'humeur et du sommeil.",
            "Pas d'idée suicidaire. Poursuite du traitement ; revoir dans deux mois.",
        ),
        author=_WENDLING,
        comment="Masqué aux professionnels à la demande de la patiente.",
        masked_to_professionals=True,
        case="Masqué aux professionnels : vu par son auteur, médecin traitant, et par la patiente ; "
        "pas par Élise MARCHAL",
    ),
    DemoDocument(
        patient="riehl",
        type_code=CR_ANAPATH,
        title="Compte rendu d'anatomopathologie : microbiopsie du sein gauche",
        document_date=None,
        added_at=None,
        content=PDF,
        filename="cr-anatomopathologie-microbiopsie",
        body=(
            "Microbiopsie échoguidée du quadrant supéro-externe gauche (3 carottes).",
            "Résultat à remettre lors de la consultation d'annonce.",
        ),
        author=_WENDLING,
        comment="Non visible par la patiente en attendant la consultation d'annonce.",
        hidden_from_patient=True,
        case="Non visible par le patient : ajouté le jour du seed, la patiente le voit un mois après",
    ),
    # Pierre MULLER (1972, Bas-Rhin): in care at the CH Sainte-Odile since November 2025.
    DemoDocument(
        patient="muller_pierre_67",
        type_code=INTERVENTION_PHARMACEUTIQUE,
        title="Intervention pharmaceutique : adaptation de posologie de l'énoxaparine",
        document_date=date(2025, 11, 4),
        added_at=at(2025, 11, 4, 11, 0),
        content=FREE_TEXT,
        body=("Posologie d'énoxaparine à adapter à la fonction rénale : avis transmis au prescripteur.",),
        author=_MARCHAL,
        status=DocumentStatus.DELETED,
        status_changed_at=at(2025, 11, 4, 11, 20),
        case="Supprimé (logiquement) par son autrice : montré à personne",
    ),
    DemoDocument(
        patient="muller_pierre_67",
        type_code=DISPENSATION,
        title="Dispensation : énoxaparine 4000 UI, 10 seringues",
        document_date=date(2025, 11, 5),
        added_at=at(2025, 11, 5, 14, 20),
        content=PDF,
        filename="dispensation-enoxaparine",
        body=(
            "Énoxaparine sodique 4000 UI anti-Xa / 0,4 mL, solution injectable en seringue préremplie",
            "Quantité dispensée : 10 seringues ; 1 injection sous-cutanée par jour.",
            "Dispensé par la pharmacie à usage intérieur du CH Sainte-Odile.",
        ),
        author=_MARCHAL,
        case="Traitements et soins : dispensation, vue par le préparateur Julien KIEFFER",
    ),
    # Pierre MULLER (1980, Marne): in care at the CH de la Vesle (Thomas GERBAUT).
    DemoDocument(
        patient="muller_pierre_51",
        type_code=SUIVI_SOINS,
        title="Fiche de suivi des soins infirmiers : pansement de cicatrice abdominale",
        document_date=date(2024, 10, 28),
        added_at=at(2024, 10, 28, 19, 0),
        content=TIFF,
        filename="fiche-suivi-soins-infirmiers",
        body=(
            "Cicatrice de laparotomie, J7 : propre, sèche, sans signe inflammatoire.",
            "Pansement sec refait. Ablation des agrafes prévue à J10.",
            "Douleur : EVA 2/10.",
        ),
        author=_GERBAUT,
        event=(date(2024, 10, 21), date(2024, 10, 28)),
        case="Traitements et soins : fiche de suivi infirmier (TIFF scanné)",
    ),
    DemoDocument(
        patient="muller_pierre_51",
        type_code=NOTE_VACCINATION,
        title="Vaccination antigrippale 2024-2025",
        document_date=date(2024, 11, 4),
        added_at=at(2024, 11, 4, 10, 30),
        content=FREE_TEXT,
        body=(
            "Vaccin grippal inactivé quadrivalent, 1 dose intramusculaire (deltoïde gauche).",
            "Lot DEMO-GR-2411. Pas de réaction immédiate.",
        ),
        author=_GERBAUT,
        case="Prévention : note de vaccination",
    ),
    # The FISCHBACH family: médecin traitant Antoine WENDLING.
    DemoDocument(
        patient="fischbach_aurelie",
        type_code=AUTRE_DOCUMENT_PATIENT,
        title="Mes allergies et antécédents",
        document_date=date(2025, 3, 2),
        added_at=at(2025, 3, 2, 21, 15),
        content=TXT,
        filename="mes-allergies-et-antecedents",
        body=(
            "Allergie : pénicillines (urticaire en 2009).",
            "Antécédents : appendicectomie (1998), deux grossesses (2014, 2018).",
            "Groupe sanguin : A positif.",
        ),
        source=DocumentSource.PATIENT,
        case="Autres documents déposés par le patient (fichier texte)",
    ),
    DemoDocument(
        patient="fischbach_aurelie",
        type_code=SYNTHESE_MEDICALE,
        title="Volet de synthèse médicale",
        document_date=date(2025, 9, 15),
        added_at=at(2025, 9, 15, 18, 0),
        content=PDF,
        filename="volet-synthese-medicale",
        body=(
            "Allergie : pénicillines.",
            "Antécédents : appendicectomie (1998) ; deux accouchements par voie basse.",
            "Traitement au long cours : aucun.",
            "Vaccinations à jour (rappel dTcaPolio de l'adulte : 2025).",
        ),
        author=_WENDLING,
        case="Synthèses : volet de synthèse médicale",
    ),
    DemoDocument(
        patient="fischbach_nathan",
        type_code=PRESCRIPTION_PRODUITS,
        title="Ordonnance : amoxicilline pour otite moyenne aiguë",
        document_date=date(2025, 1, 20),
        added_at=at(2025, 1, 20, 17, 45),
        content=FREE_TEXT,
        body=(
            "Amoxicilline 500 mg/5 mL, suspension buvable : 1 dose-poids 3 fois par jour pendant 5 jours.",
            "Paracétamol si fièvre ou douleur.",
        ),
        author=_WENDLING,
        case="Traitements et soins : prescription (texte libre)",
    ),
    DemoDocument(
        patient="fischbach_nathan",
        type_code=CR_CONSULTATION,
        title="Consultation : difficultés scolaires et troubles du sommeil",
        document_date=date(2026, 3, 9),
        added_at=at(2026, 3, 9, 17, 30),
        content=PDF,
        filename="consultation-nathan",
        body=(
            "Consultation demandée par le patient, venu seul.",
            "Le patient s'oppose à ce que ses parents soient informés (article L. 1111-5 du CSP).",
        ),
        author=_WENDLING,
        comment="Secret demandé par le patient mineur : invisible aux représentants légaux.",
        hidden_from_legal_representatives=True,
        case="Invisible aux représentants légaux : vu par Nathan, pas par sa mère",
    ),
    DemoDocument(
        patient="fischbach_ines",
        type_code=NOTE_VACCINATION,
        title="Rappel DTCaP des 6 ans",
        document_date=date(2024, 2, 5),
        added_at=at(2024, 2, 5, 17, 0),
        content=PDF,
        filename="note-vaccination-dtcap",
        body=(
            "Vaccin diphtérie, tétanos, coqueluche, poliomyélite (DTCaP), rappel des 6 ans.",
            "Lot DEMO-DT-2402. Inscrit au carnet de vaccination.",
        ),
        author=_WENDLING,
        case="Prévention : note de vaccination de la mineure",
    ),
]

OTHER_REIMBURSEMENTS = [
    DemoReimbursement(
        patient="riehl",
        on=date(2025, 10, 6),
        added_at=at(2025, 10, 6, 6, 0),
        lines=(
            _line(date(2025, 4, 14), "Consultation de médecine générale", "26.50", _WENDLING_LABEL),
            _line(date(2025, 2, 10), "Consultation de médecine générale", "26.50", _WENDLING_LABEL),
            _line(date(2025, 2, 11), "Escitalopram 10 mg (boîte de 28)", "4.38", "Pharmacie d'officine"),
            _line(date(2024, 12, 9), "Hospitalisation (CH Sainte-Odile, Strasbourg)", "1250.00"),
            _line(date(2024, 11, 28), "Bilan biologique préopératoire", "22.41", "Laboratoire de biologie"),
            _line(date(2024, 11, 18), "Mammographie de dépistage organisé", "66.42", "Cabinet de radiologie"),
        ),
    ),
    DemoReimbursement(
        patient="fischbach_aurelie",
        on=date(2025, 6, 2),
        added_at=at(2025, 6, 2, 6, 0),
        lines=(
            _line(date(2025, 3, 3), "Consultation de médecine générale", "26.50", _WENDLING_LABEL),
            _line(date(2024, 9, 23), "Consultation de médecine générale", "18.50", _WENDLING_LABEL),
        ),
    ),
]

DOCUMENTS = RICH_DOCUMENTS + OTHER_DOCUMENTS
REIMBURSEMENTS = [RICH_REIMBURSEMENT, *OTHER_REIMBURSEMENTS]


def _shot(patient: str, on: date, vaccine: str, dose: str, lot: str, by: str = _WENDLING) -> DemoVaccination:
    return DemoVaccination(patient, vaccine, on, dose, lot, by, at(on.year, on.month, on.day, 17, 0))


_HEXAVALENT = "DTCaP-Hib-HepB (vaccin hexavalent)"
_ROR = "ROR (rougeole, oreillons, rubéole)"
VACCINATIONS = [
    _shot("fischbach_ines", date(2018, 3, 27), _HEXAVALENT, DoseType.PRIMARY, "DEMO-HX-1803"),
    _shot(
        "fischbach_ines",
        date(2018, 3, 27),
        "Pneumocoque (vaccin conjugué 13-valent)",
        DoseType.PRIMARY,
        "DEMO-PN-1803",
    ),
    _shot("fischbach_ines", date(2018, 5, 29), _HEXAVALENT, DoseType.PRIMARY, "DEMO-HX-1805"),
    _shot("fischbach_ines", date(2018, 12, 27), _HEXAVALENT, DoseType.BOOSTER, "DEMO-HX-1812"),
    _shot("fischbach_ines", date(2019, 1, 28), _ROR, DoseType.PRIMARY, "DEMO-RO-1901"),
    _shot("fischbach_ines", date(2019, 6, 3), _ROR, DoseType.PRIMARY, "DEMO-RO-1906"),
    _shot("fischbach_ines", date(2024, 2, 5), "DTCaP (rappel des 6 ans)", DoseType.BOOSTER, "DEMO-DT-2402"),
    _shot(
        "fischbach_nathan",
        date(2025, 10, 13),
        "Papillomavirus humains (vaccin 9-valent)",
        DoseType.PRIMARY,
        "DEMO-HP-2510",
    ),
    _shot(
        "muller_pierre_51",
        date(2024, 11, 4),
        "Grippe saisonnière (vaccin inactivé)",
        DoseType.SINGLE,
        "DEMO-GR-2411",
        _GERBAUT,
    ),
]


# ---------------------------------------------------------------------------------------------
# Seeding


@dataclass
class SeedReport:
    documents_added: int = 0
    vaccinations_added: int = 0


def seed_documents(sandbox: Sandbox | None = None) -> SeedReport:
    """Add what the dataset defines and is missing, to the patients of one scope (the portal's, or
    a workshop sandbox's copies); never touch what exists (see the module doc)."""
    patients = {item.key: Patient.objects.get(ins=item.ins, sandbox=sandbox) for item in PATIENTS}
    professionals = {
        user.rpps: user for user in User.objects.filter(rpps__in=[p.rpps for p in PROFESSIONALS])
    }
    report = SeedReport()
    pending = [(item.added_at or timezone.now(), item) for item in [*DOCUMENTS, *REIMBURSEMENTS]]
    # In the order they were added: each patient's chain of traces reads like their history.
    for _, item in sorted(pending, key=lambda pair: pair[0]):
        patient = patients[item.patient]
        if isinstance(item, DemoReimbursement):
            added = _seed_reimbursement(item, patient)
        else:
            added = _seed_document(item, patient, professionals.get(item.author))
        report.documents_added += added
    for item in VACCINATIONS:
        report.vaccinations_added += _seed_vaccination(
            item, patients[item.patient], professionals[item.recorded_by]
        )
    return report


def _document_type(type_code: tuple[str, str]) -> DocumentType:
    system, code = type_code
    return DocumentType.objects.get(code_system=system, code=code)


def _seed_reimbursement(item: DemoReimbursement, patient: Patient) -> bool:
    system, code = reimbursement.TYPE_CODE
    exists = Document.objects.filter(
        patient=patient,
        document_type__code_system=system,
        document_type__code=code,
        title=reimbursement.TITLE,
        document_date=item.on,
    ).exists()
    if not exists:
        reimbursement.reimbursement_history_create(
            patient=patient, lines=item.lines, today=item.on, added_at=item.added_at
        )
    return not exists


def _seed_document(item: DemoDocument, patient: Patient, author: User | None) -> bool:
    document_type = _document_type(item.type_code)
    if Document.objects.filter(patient=patient, document_type=document_type, title=item.title).exists():
        return False
    upload = None
    if item.content != FREE_TEXT:
        name, content = item.file_content()
        upload = SimpleUploadedFile(name, content)
    stored: list[str] = []
    try:
        with transaction.atomic():
            if item.source == DocumentSource.PROFESSIONAL:
                document = _add_by_professional(item, patient, document_type, author, upload)
            else:
                if item.hidden_from_patient:
                    raise ValueError("Seul un professionnel rend un document non visible par le patient.")
                document = document_add_from_source(
                    patient=patient,
                    source=item.source,
                    document_type=document_type,
                    title=item.title,
                    document_date=item.document_date,
                    upload=filestore.accept(upload),
                    comment=item.comment,
                    event_start=item.event[0] if item.event else None,
                    event_end=item.event[1] if item.event else None,
                    masked_to_professionals=item.masked_to_professionals,
                    hidden_from_legal_representatives=item.hidden_from_legal_representatives,
                    added_at=item.added_at,
                )
            stored.append(document.file.name)
            if item.status == DocumentStatus.ARCHIVED:
                document = document_archive(professional=author, document=document)
            elif item.status == DocumentStatus.DELETED:
                document = document_delete(professional=author, document=document)
            if item.status_changed_at is not None:  # the services stamp now: the dataset's date
                Document.objects.filter(pk=document.pk).update(status_changed_at=item.status_changed_at)
    except BaseException:
        # The services clean up after their own failures; this is for a failure after them.
        for name in filter(None, stored):
            if Document.file.field.storage.exists(name):
                Document.file.field.storage.delete(name)
        raise
    return True


def _add_by_professional(
    item: DemoDocument,
    patient: Patient,
    document_type: DocumentType,
    author: User,
    upload: SimpleUploadedFile | None,
) -> Document:
    options = {
        "professional": author,
        "patient": patient,
        "document_type": document_type,
        "title": item.title,
        "document_date": item.document_date or timezone.localdate(),
        "comment": item.comment,
        "event_start": item.event[0] if item.event else None,
        "event_end": item.event[1] if item.event else None,
        "masked_to_professionals": item.masked_to_professionals,
        "hidden_from_patient": item.hidden_from_patient,
        "hidden_from_legal_representatives": item.hidden_from_legal_representatives,
        "added_at": item.added_at,
    }
    if upload is None:
        return document_add(text="\n".join(item.body) + "\n", **options)
    return document_add(upload=filestore.accept(upload), **options)


def _seed_vaccination(item: DemoVaccination, patient: Patient, professional: User) -> bool:
    known = Vaccination.objects.filter(
        patient=patient, vaccine=item.vaccine, vaccinated_on=item.vaccinated_on, dose_type=item.dose_type
    )
    if known.exists():
        return False
    vaccination_add(
        professional=professional,
        patient=patient,
        vaccine=item.vaccine,
        vaccinated_on=item.vaccinated_on,
        dose_type=item.dose_type,
        lot_number=item.lot_number,
        recorded_at=item.recorded_at,
    )
    return True


# ---------------------------------------------------------------------------------------------
# Summary


@dataclass(frozen=True)
class PatientSummary:
    patient: DemoPatient
    active: int
    archived: int
    deleted: int
    hidden_from_patient: int  # today
    vaccinations: int

    @property
    def documents(self) -> int:
        return self.active + self.archived + self.deleted


def summary() -> list[PatientSummary]:
    """Per demo patient: documents by status, those not yet visible to the patient, vaccinations."""
    today = timezone.localdate()
    rows = {
        row["patient__ins"]: row
        for row in Document.objects.filter(
            patient__ins__in=[item.ins for item in PATIENTS], patient__sandbox__isnull=True
        )
        .values("patient__ins")
        .annotate(
            active=Count("pk", filter=Q(status=DocumentStatus.ACTIVE)),
            archived=Count("pk", filter=Q(status=DocumentStatus.ARCHIVED)),
            deleted=Count("pk", filter=Q(status=DocumentStatus.DELETED)),
            hidden=Count("pk", filter=still_hidden_from_patient(today)),
        )
    }
    vaccinations = dict(
        Vaccination.objects.filter(
            patient__ins__in=[item.ins for item in PATIENTS], patient__sandbox__isnull=True
        )
        .values_list("patient__ins")
        .annotate(count=Count("pk"))
        .values_list("patient__ins", "count")
    )
    empty = {"active": 0, "archived": 0, "deleted": 0, "hidden": 0}
    return [
        PatientSummary(
            patient=item,
            active=rows.get(item.ins, empty)["active"],
            archived=rows.get(item.ins, empty)["archived"],
            deleted=rows.get(item.ins, empty)["deleted"],
            hidden_from_patient=rows.get(item.ins, empty)["hidden"],
            vaccinations=vaccinations.get(item.ins, 0),
        )
        for item in PATIENTS
    ]
