"""Staged files left by a crashed upload are swept by the hourly job; a running upload is not."""

import os
import time

from qorgau.evidence import storage
from qorgau.evidence.tasks import sweep_evidence_staging


def test_old_staged_files_are_swept_and_a_running_upload_is_kept(media, settings):
    settings.QORGAU_EVIDENCE_STAGING_MAX_HOURS = 6
    crashed, running = storage.ChunkWriter(), storage.ChunkWriter()
    crashed.write(b"x" * 5000)
    running.write(b"y" * 5000)
    old = time.time() - 7 * 3600
    os.utime(crashed.staging_path, (old, old))
    assert sweep_evidence_staging.call_local() == 1
    assert not crashed.staging_path.exists() and running.staging_path.exists()
    running.abort()
    assert sweep_evidence_staging.call_local() == 0
