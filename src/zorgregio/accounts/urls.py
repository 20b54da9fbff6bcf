from django.urls import path

from . import oidc, twofactor, views

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("inloggen/tweede-stap/", twofactor.TwoFactorView.as_view(), name="two_factor"),
    path("inloggen/tweede-stap/qr.svg", twofactor.QRCodeView.as_view(), name="two_factor_qr"),
    path("uitloggen/", views.LogoutView.as_view(), name="logout"),
    path("uitnodiging/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path(
        "oidc/authenticate/",
        oidc.RegionAuthenticationRequestView.as_view(),
        name="oidc_authentication_init",
    ),
    path("oidc/callback/", oidc.RegionCallbackView.as_view(), name="oidc_authentication_callback"),
]
