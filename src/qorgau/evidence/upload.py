"""Streaming an upload straight into the encrypted store (no temporary plaintext file, never the
whole file in memory).

Install it before the request body is read: ``request.upload_handlers = [EvidenceUploadHandler(request)]``
(HTML views are csrf_exempt and apply csrf_protect after installing it, as Django's documentation
says; API views install it in ``initialize_request``). The first ``sniff.HEAD_BYTES`` decide the
type; reading stops at the first byte over the limit of its kind or as soon as the type is refused,
and the staged ciphertext is removed.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers, StopUpload

from qorgau.evidence import sniff
from qorgau.evidence.storage import ChunkWriter

FIELD = "file"


def limit_bytes(kind: str | None) -> int:
    limits = settings.QORGAU_EVIDENCE_LIMITS_MB
    megabytes = limits.get(kind) if kind else max(limits.values())
    return int(megabytes or 0) * 1024 * 1024


class StagedFile:
    """What the handler hands the view in ``request.FILES["file"]``: a sealed, finished writer."""

    def __init__(self, writer: ChunkWriter, name: str, file_type: sniff.FileType, size: int, sha256: str):
        self.writer, self.name, self.file_type, self.size, self.sha256 = writer, name, file_type, size, sha256

    def close(self):  # the multipart parser closes what it collected
        pass


class EvidenceUploadHandler(FileUploadHandler):
    """`error` after parsing: None, "too_large", "type", "several" or "interrupted"."""

    def __init__(self, request=None):
        super().__init__(request)
        self.chunk_size = max(1024, min(1024 * 1024, int(settings.QORGAU_EVIDENCE_CHUNK_BYTES)))
        self.writer: ChunkWriter | None = None
        self.error: str | None = None
        self.head = bytearray()
        self.file_type: sniff.FileType | None = None
        self.received = 0
        self.staged: StagedFile | None = None

    def new_file(
        self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None
    ):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if field_name != FIELD:
            raise SkipFile
        if self.writer is not None or self.error:
            self._refuse("several")
        self.writer = ChunkWriter()
        raise StopFutureHandlers

    def _refuse(self, error: str):
        self.error = self.error or error
        self.discard()
        raise StopUpload(connection_reset=True)  # stop reading the body here

    def discard(self):
        if self.writer is not None:
            self.writer.abort()

    def _decide(self):
        self.file_type = sniff.identify(bytes(self.head), self.file_name or "", self.content_type or "")
        if self.file_type is None:
            self._refuse("type")

    def receive_data_chunk(self, raw_data, start):
        if self.writer is None or self.error:
            return None
        self.received += len(raw_data)
        if self.file_type is None and len(self.head) < sniff.HEAD_BYTES:
            self.head += raw_data[: sniff.HEAD_BYTES - len(self.head)]
            if len(self.head) >= sniff.HEAD_BYTES:
                self._decide()
        limit = limit_bytes(self.file_type.kind if self.file_type else None)
        if self.received > limit:
            self._refuse("too_large")
        self.writer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.writer is None or self.error:
            return None
        if self.file_type is None:
            self._decide()
        if self.received > limit_bytes(self.file_type.kind):
            self._refuse("too_large")
        size, sha256, _chunks = self.writer.finish()
        self.staged = StagedFile(self.writer, self.file_name or "", self.file_type, size, sha256)
        return self.staged

    def upload_interrupted(self):
        self.error = self.error or "interrupted"
        self.discard()
