from zorgregio.inrichting.command import SetupCommand


class Command(SetupCommand):
    slug = "postcodes"
