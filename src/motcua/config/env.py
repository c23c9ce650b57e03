"""Reading configuration from the environment.

Every variable MotCua reads is declared in ``VARIABLES`` below with its default and meaning; a test
checks that the README's configuration table lists each of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


VARIABLES = [
    Variable(
        "MOTCUA_ENV", "development", "development, test or production; production refuses insecure settings"
    ),
    Variable("SECRET_KEY", "(development only: a fixed key)", "Django secret key; required in production"),
    Variable("DEBUG", "true in development, else false", "Django debug pages; refused in production"),
    Variable("ALLOWED_HOSTS", "127.0.0.1,localhost", "comma-separated host names served"),
    Variable("CSRF_TRUSTED_ORIGINS", "", "comma-separated origins (https://...) behind a proxy"),
    Variable("DATABASE_URL", "sqlite:///<repo>/var/motcua.sqlite3", "database; postgres://... in production"),
    Variable(
        "DATABASE_REPLICA_URL",
        "",
        "a streaming read replica of DATABASE_URL: report reads go to it (docs/deploy/many-machines.md)",
    ),
    Variable("MEDIA_ROOT", "<repo>/var/media", "folder for uploaded files (templates, scans)"),
    Variable("S3_BUCKET", "", "store uploaded files in this S3-compatible bucket instead of MEDIA_ROOT"),
    Variable("S3_ENDPOINT_URL", "", "the S3-compatible server (MinIO, Ceph...); empty: AWS"),
    Variable("S3_ACCESS_KEY_ID", "", "access key for S3_BUCKET; empty: boto3's own chain (AWS_*, roles)"),
    Variable("S3_SECRET_ACCESS_KEY", "", "secret key for S3_BUCKET (secret)"),
    Variable("S3_REGION", "", "region of S3_BUCKET, if the server wants one"),
    Variable("REDIS_URL", "", "redis://host:port/db shared by the web processes as cache and session cache"),
    Variable("STATIC_ROOT", "<repo>/var/static", "folder collectstatic writes to"),
    Variable("PUBLIC_URL", "http://127.0.0.1:8000", "the portal's public address, for links in messages"),
    Variable("MOTCUA_SHARED_DATA", "<repo>/../shared/data", "folder with the public data sets to import"),
    Variable(
        "MOTCUA_TRUST_ROOTS", "", "comma-separated PEM files of CAs trusted on stored documents' signatures"
    ),
    Variable(
        "FEEDBACK_DEADLINES",
        "accept=2,info=5,answer=15,publish=2",
        "working days to accept/refuse, ask for information, answer and publish feedback",
    ),
    Variable(
        "OFFICIAL_TOTP",
        "required",
        "officials' second factor after the password: required (TOTP) or off (development only)",
    ),
    Variable("VNEID_ISSUER", "http://127.0.0.1:8702", "the VNeID OpenID Connect issuer (the simulator's)"),
    Variable("VNEID_CLIENT_ID", "motcua", "MotCua's client id at the VNeID provider"),
    Variable(
        "VNEID_CLIENT_SECRET",
        "(development only: the simulator's secret)",
        "MotCua's client secret at the VNeID provider; VNeID login is off when empty",
    ),
    Variable("VNEID_TIMEOUT", "5", "seconds to wait for each answer of the VNeID provider"),
    Variable("PAYMENT_GATEWAY_URL", "http://127.0.0.1:8703", "the payment gateway (the simulator's)"),
    Variable("PAYMENT_MERCHANT_CODE", "MOTCUA-LANGSON", "MotCua's merchant code at the payment gateway"),
    Variable(
        "PAYMENT_SECRET",
        "(development only: the simulator's secret)",
        "HMAC-SHA256 key shared with the payment gateway; online payment is off when empty",
    ),
    Variable("PAYMENT_TIMEOUT", "10", "seconds to wait for each answer of the payment gateway"),
    Variable("PAYMENT_CALLBACK_MAX_AGE", "900", "seconds a gateway callback's timestamp stays acceptable"),
    Variable(
        "NATIONAL_PORTAL_URL",
        "http://127.0.0.1:8701",
        "the national public service portal's sync endpoint (the simulator's); empty: no sync",
    ),
    Variable(
        "NATIONAL_PORTAL_TOKEN",
        "(development only: the simulator's token)",
        "bearer token MotCua presents to the national portal; never logged or shown",
    ),
    Variable("NATIONAL_PORTAL_TIMEOUT", "10", "seconds to wait for each answer of the national portal"),
    Variable(
        "LGSP_URL",
        "http://127.0.0.1:8706",
        "the provincial integration axis for official documents (the simulator's); empty: no exchange",
    ),
    Variable(
        "LGSP_TOKEN",
        "(development only: the simulator's token)",
        "bearer token MotCua presents to the integration axis; never logged or shown",
    ),
    Variable("LGSP_TIMEOUT", "30", "seconds to wait for each answer of the integration axis"),
    Variable(
        "LGSP_AGENCIES",
        "",
        "comma-separated identifiers of the agencies `motcua lgsp_receive` polls; empty: all in operation",
    ),
    Variable(
        "LGSP_SIMULATOR_DATA",
        "<repo>/var/lgsp-simulator.sqlite3",
        "where `motcua simulate lgsp` keeps its mailboxes",
    ),
    Variable(
        "INTEGRATIONS_RETRY",
        "first=30,longest=3600,attempts=10",
        "outbound deliveries: first retry delay and longest delay (seconds), attempts before dead letter",
    ),
    Variable("PERIODIC_TICK", "15", "seconds between a worker's looks at the periodic jobs"),
    Variable(
        "PERIODIC_INTERVALS",
        "",
        'JSON replacing periodic jobs\' intervals in seconds, 0 turns one off: {"lgsp_receive": 300}',
    ),
    Variable(
        "PORTAL_SIMULATOR_DATA",
        "<repo>/var/portal-simulator.sqlite3",
        "where `motcua simulate portal` keeps what it received",
    ),
    Variable(
        "REPORTS_CONFIG",
        "",
        "JSON file replacing the service index weights and the evaluation thresholds (README, Reports)",
    ),
    Variable("TIME_ZONE", "Asia/Ho_Chi_Minh", "the province's time zone"),
    Variable(
        "OFFICE_HOURS",
        "07:30-11:30,13:30-17:30",
        "office hours of working days, for deadlines in working hours",
    ),
    Variable("SECURE_SSL", "true in production", "HTTPS-only cookies and HSTS"),
    Variable("LOG_LEVEL", "INFO", "root log level"),
    Variable(
        "MOTCUA_BENCH_FLOORS",
        "false",
        "`make bench` only: route the floor views /_floor/json and /_floor/insert; never in a deployment",
    ),
    Variable(
        "EMAIL_BACKEND",
        "console in development, else smtp",
        "Django e-mail backend (dotted path); console prints mails, smtp sends them",
    ),
    Variable("EMAIL_HOST", "localhost", "SMTP server"),
    Variable("EMAIL_PORT", "25", "SMTP port (587 with EMAIL_USE_TLS)"),
    Variable("EMAIL_HOST_USER", "", "SMTP user name; empty for no login"),
    Variable("EMAIL_HOST_PASSWORD", "", "SMTP password"),
    Variable("EMAIL_USE_TLS", "false", "STARTTLS to the SMTP server"),
    Variable("DEFAULT_FROM_EMAIL", "MotCua <noreply@localhost>", "sender of the notification e-mails"),
    Variable(
        "SMS_BACKEND",
        "motcua.notifications.gateways.SmsGatewayBackend",
        "SMS sender class (dotted path); motcua.notifications.backends.LoggingBackend only logs the message",
    ),
    Variable(
        "ZALO_BACKEND",
        "motcua.notifications.gateways.ZaloZnsBackend",
        "Zalo sender class (dotted path); motcua.notifications.backends.LoggingBackend only logs the message",
    ),
    Variable("SMS_GATEWAY_URL", "http://127.0.0.1:8704", "base URL of the brandname SMS gateway (HTTP JSON)"),
    Variable("SMS_BRANDNAME", "UBNDLANGSON", "sender name registered with the carriers (11 characters)"),
    Variable("SMS_API_KEY", "(development only: the simulator's key)", "SMS gateway API key (secret)"),
    Variable("SMS_TIMEOUT", "10", "seconds to wait for the SMS gateway's answer"),
    Variable("SMS_ASCII", "true", "send SMS without Vietnamese diacritics (GSM-7, 160 characters a segment)"),
    Variable("SMS_MAX_SEGMENTS", "2", "longest SMS, in segments; longer texts are shortened"),
    Variable("SMS_RATE_PER_MINUTE", "300", "SMS handed to the gateway per minute at most; 0 for no limit"),
    Variable(
        "SMS_CALLBACK_SECRET",
        "(development only: the simulator's secret)",
        "HMAC secret of the SMS gateway's delivery reports (secret)",
    ),
    Variable("ZALO_API_URL", "http://127.0.0.1:8705", "base URL of the Zalo ZNS API"),
    Variable("ZALO_ACCESS_TOKEN", "(development only: the simulator's)", "Zalo OA access token (secret)"),
    Variable("ZALO_TIMEOUT", "10", "seconds to wait for Zalo's answer"),
    Variable("ZALO_RATE_PER_MINUTE", "300", "Zalo messages per minute at most; 0 for no limit"),
    Variable(
        "ZALO_CALLBACK_SECRET",
        "(development only: the simulator's secret)",
        "HMAC secret of Zalo's delivery reports (secret)",
    ),
]


def get(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def get_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]
