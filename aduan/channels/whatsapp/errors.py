"""WhatsApp Cloud API error codes (Graph `error.code`, also in `statuses[].errors[].code`)
and what the outbox does about them. Source: Meta's "Error codes" page for the Cloud API.
"""

from ..errors import FIX_CONFIG, PLAIN, RETRY, STOP, TEMPLATE, Verdict

TABLE = {
    # throttling: wait and try again with the documented pacing
    4: (RETRY, "batas panggilan aplikasi", 60.0),
    80007: (RETRY, "batas akun WhatsApp Business", 60.0),
    130429: (RETRY, "batas throughput nomor tercapai", 10.0),
    131048: (RETRY, "batas karena laporan spam", 3600.0),
    131056: (RETRY, "terlalu banyak pesan ke nomor yang sama (pair rate limit)", 6.0),
    131000: (RETRY, "gangguan di penyedia", None),
    1: (RETRY, "API tidak tersedia sementara", None),
    2: (RETRY, "layanan tidak tersedia sementara", None),
    # outside the customer service window: only an approved template may go
    131047: (TEMPLATE, "lebih dari 24 jam sejak pesan terakhir pelapor", None),
    # the image link (the after photo) could not be fetched: the words again, without it
    131053: (PLAIN, "media tidak dapat diambil dari tautannya", None),
    # the person cannot be reached: stop and tell staff
    131026: (STOP, "pesan tidak dapat diantar (nomor tidak memakai WhatsApp)", None),
    131049: (STOP, "Meta tidak mengantar pesan ini (keterlibatan)", None),
    131050: (STOP, "pelapor menghentikan pesan dari akun ini", None),
    131051: (STOP, "jenis pesan tidak didukung", None),
    131021: (STOP, "penerima sama dengan pengirim", None),
    # configuration: the account needs staff (token, permissions, registration, templates)
    0: (FIX_CONFIG, "autentikasi gagal", None),
    3: (FIX_CONFIG, "izin API tidak ada", None),
    10: (FIX_CONFIG, "izin ditolak", None),
    190: (FIX_CONFIG, "token akses kedaluwarsa atau salah", None),
    131031: (FIX_CONFIG, "akun bisnis dikunci", None),
    131045: (FIX_CONFIG, "sertifikat nomor salah", None),
    132000: (FIX_CONFIG, "jumlah parameter template tidak cocok", None),
    132001: (FIX_CONFIG, "template tidak ada atau belum disetujui", None),
    133010: (FIX_CONFIG, "nomor belum terdaftar di Cloud API", None),
}


def classify(error) -> Verdict | None:
    code = error.code
    if code is None:
        return None
    if 200 <= code <= 299:  # the 200-series are permission errors
        return Verdict(FIX_CONFIG, "izin API tidak ada")
    row = TABLE.get(code)
    if row is None:
        return None
    action, reason, wait = row
    return Verdict(action, f"{code}: {reason}", error.retry_after or wait)
