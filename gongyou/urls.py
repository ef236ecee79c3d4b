from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("gongyou.ops.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("gongyou.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff pages: /console/… and the positions pages under /stations/manage/.
    path("", include("gongyou.console.urls")),
    # The worker portal owns the site root: a QR code or a WeChat link lands there.
    path("", include("gongyou.portal.urls")),
]
