from django.urls import path

from messaging import compose_views, mailbox_views, message_views

app_name = "messaging"

urlpatterns = [
    path("", mailbox_views.inbox, name="inbox"),
    path("envoyes/", mailbox_views.sent, name="sent"),
    path("nouveau/", compose_views.compose, name="compose"),
    path("messages/<uuid:code>/", message_views.message, name="message"),
    path("messages/<uuid:code>/repondre/", compose_views.reply, name="reply"),
    path("messages/<uuid:code>/non-lu/", message_views.mark_unread, name="mark_unread"),
    path("pieces-jointes/<uuid:code>/", message_views.attachment, name="attachment"),
    path("pieces-jointes/<uuid:code>/enregistrer/", message_views.attachment_file, name="attachment_file"),
]
