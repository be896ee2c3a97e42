"""Fill the ${QORGAU_*} names of a deploy template from the environment.

    QORGAU_SERVER_NAME=qorgau.example.kz ... python3 deploy/render.py deploy/nginx/qorgau.conf.template > qorgau.conf

Only ${QORGAU_...} names are replaced (nginx's own $variables stay as they are); a name without a
value stops the rendering with its name, so no half-filled file reaches a server.
"""

import os
import re
import sys
from pathlib import Path

NAME = re.compile(r"\$\{(QORGAU_[A-Z0-9_]+)\}")


def render(text: str, values: dict) -> str:
    missing = sorted({m for m in NAME.findall(text) if not values.get(m)})
    if missing:
        raise SystemExit("render: set " + ", ".join(missing))
    return NAME.sub(lambda m: str(values[m.group(1)]), text)


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1]).read_text(), dict(os.environ)))
