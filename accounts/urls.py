from django.urls import path

from accounts import simulator, views

app_name = "accounts"

urlpatterns = [
    path("sante/", views.health, name="health"),
    path("connexion/", views.login_choice, name="login"),
    path("connexion/carte-cps/", views.login_cps, name="login_cps"),
    path("connexion/e-cps/", views.login_ecps, name="login_ecps"),
    path("connexion/e-cps/code/", views.login_ecps_code, name="login_ecps_code"),
    path("connexion/e-cps/aide/", views.ecps_faq, name="ecps_faq"),
    path("connexion/administration/", views.admin_login, name="admin_login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("parametrages/", views.settings_page, name="settings"),
    path("parametrages/e-cps/", views.ecps_activate, name="ecps_activate"),
    path("parametrages/oublier-rpps/", views.forget_rpps, name="forget_rpps"),
    path("parametrages/e-cps/reactiver/", views.ecps_reactivate, name="ecps_reactivate"),
    path("parametrages/confirmer/", views.sudo_confirm, name="sudo"),
    path("simulation/e-cps/", simulator.ecps_simulator, name="ecps_simulator"),
]
# Mes sessions (accounts/sessions_views.py)
from accounts import sessions_views  # noqa: E402 - each feature appends its own block

urlpatterns += [
    path("parametrages/sessions/", sessions_views.sessions_page, name="sessions"),
    path("parametrages/sessions/<uuid:code>/terminer/", sessions_views.session_end, name="session_end"),
    path(
        "parametrages/sessions/terminer-les-autres/",
        sessions_views.sessions_end_others,
        name="sessions_end_others",
    ),
]
