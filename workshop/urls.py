from django.urls import path

from workshop import views, views_dashboard

app_name = "workshop"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("nouvelle/", views.session_create, name="session_create"),
    path("<uuid:code>/", views.session_detail, name="session"),
    path("<uuid:code>/fiches/", views.sheets, name="sheets"),
    path("<uuid:code>/fiches/<int:position>/", views.sheet, name="sheet"),
    path("<uuid:code>/reinitialiser/", views.session_reset, name="session_reset"),
    path("<uuid:code>/postes/<int:position>/reinitialiser/", views.trainee_reset, name="trainee_reset"),
    path("<uuid:code>/terminer/", views.session_end, name="session_end"),
    path("<uuid:code>/tableau-de-bord/", views_dashboard.dashboard, name="dashboard"),
    path("<uuid:code>/tableau-de-bord/grille/", views_dashboard.dashboard_grid, name="dashboard_grid"),
    path(
        "<uuid:code>/postes/<int:position>/historique/",
        views_dashboard.trainee_history,
        name="trainee_history",
    ),
    path("statistiques/", views.statistics_page, name="statistics"),
]
