from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction


@transaction.atomic
def user_ensure(
    *,
    username: str,
    full_name: str,
    email: str,
    password: str = "",
    password_hash: str = "",
    is_superuser: bool = False,
) -> User:
    """Create the user, or bring an existing one to these details (used by the demo).

    `password_hash` (from make_password) lets a caller hash one shared password once.
    """
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(username=username)
    # Vietnamese names are written family name first: keep the whole name in one field.
    user.first_name, user.last_name = full_name, ""
    user.email = email
    user.is_superuser = is_superuser
    user.is_staff = is_superuser
    user.is_active = True
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    return user
