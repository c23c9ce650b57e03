"""Administration of the document office: document types, issuer profiles with their certificates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from motcua.documents import certificates, symbols
from motcua.documents.models import DocumentType, IssuerProfile, OutgoingDocument


class DocumentTypeForm(forms.ModelForm[DocumentType]):
    class Meta:
        model = DocumentType
        fields = ["name", "abbreviation", "is_legal_normative", "is_active"]

    def clean_abbreviation(self) -> str:
        """Decree 30 Appendix III fixes the abbreviations: a made-up one would give unreadable symbols."""
        value: str = self.cleaned_data["abbreviation"].strip()
        if value and value not in symbols.TYPE_ABBREVIATIONS:
            known = ", ".join(sorted(symbols.TYPE_ABBREVIATIONS))
            raise forms.ValidationError(
                f"Chữ viết tắt không có trong Phụ lục III Nghị định 30/2020: {known}."
            )
        return value


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin[DocumentType]):
    form = DocumentTypeForm
    list_display = ["name", "abbreviation", "is_legal_normative", "is_active"]
    list_filter = ["is_legal_normative", "is_active"]
    search_fields = ["name", "abbreviation"]


class IssuerProfileForm(forms.ModelForm[IssuerProfile]):
    """The passphrase is used to check the uploaded certificate and is never stored."""

    passphrase = forms.CharField(
        label="Mật khẩu chứng thư số (chỉ để kiểm tra, không lưu)",
        required=False,
        widget=forms.PasswordInput,
    )

    class Meta:
        model = IssuerProfile
        fields = ["agency", "symbol", "place", "certificate"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = self.files.get("certificate")
        if upload is not None:
            try:
                loaded = certificates.read_pkcs12(upload.read(), cleaned.get("passphrase") or "")
            except certificates.CertificateError as error:
                raise forms.ValidationError(f"Chứng thư số không đọc được: {error}") from error
            finally:
                upload.seek(0)
            self.instance.certificate_subject = f"{loaded.common_name} ({loaded.organization})"[:300]
            self.instance.certificate_not_after = loaded.not_after
        return cleaned


@admin.register(IssuerProfile)
class IssuerProfileAdmin(admin.ModelAdmin[IssuerProfile]):
    form = IssuerProfileForm
    list_display = ["agency", "symbol", "place", "certificate_subject", "certificate_not_after"]
    search_fields = ["agency__name", "symbol"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["certificate_subject", "certificate_not_after"]


@admin.register(OutgoingDocument)
class OutgoingDocumentAdmin(admin.ModelAdmin[OutgoingDocument]):
    """Read-only: documents change only through the document office's use cases."""

    list_display = ["number_symbol", "agency", "subject", "status", "issued_at"]
    list_filter = ["status", "confidentiality"]
    search_fields = ["number_symbol", "subject"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
