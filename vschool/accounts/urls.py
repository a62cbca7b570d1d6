from django.urls import path

from vschool.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
    path("account/two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/set-up/done/", views.two_factor_done, name="two_factor_done"),
    path("account/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("account/session/", views.keep_alive, name="keep_alive"),
    path("enrol/<str:token>/", views.enrol, name="enrol"),
    path("users/", views.users, name="users"),
    path("users/add/", views.user_add, name="user_add"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/link/", views.user_link, name="user_link"),
    path("users/<int:pk>/access/", views.user_access, name="user_access"),
    path("audit/", views.audit_log, name="audit"),
]
