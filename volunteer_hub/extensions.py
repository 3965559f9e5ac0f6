"""Flask extensions, created unbound here and bound to the app in create_app()."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from volunteer_hub.core.compression import ClosingCompress
from volunteer_hub.core.db import Base

# Objects keep their loaded state after commit: services refresh explicitly where another transaction may
# have changed a row, and responses built after a commit need no extra SELECT per object.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# The base of every model: db.Model (Base with Flask-SQLAlchemy's table names and binds), under a name mypy can
# follow. mypy cannot see a class through the db instance and checks the models against Base, what they use.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Bound only when COMPRESS_RESPONSES is on (production may leave compression to its reverse proxy).
compress = ClosingCompress()
# Limits are declared per view (login, token, register); storage is the app's Redis, see create_app().
limiter = Limiter(key_func=get_remote_address, default_limits=[])
