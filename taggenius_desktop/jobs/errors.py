"""How a job ends other than by completing. Messages are shown to users as they are."""


class JobFailed(Exception):
    """The job cannot finish; str() is one plain sentence for the user.

    ``bad_input`` marks problems with what the user gave (an unreadable library, an
    output folder that does not exist): the CLI exits 2 for those, 1 for the rest.
    """

    def __init__(self, message: str, bad_input: bool = False) -> None:
        super().__init__(message)
        self.bad_input = bad_input


class JobCancelled(Exception):
    """The user cancelled (or the host process went away); finished work is kept."""
