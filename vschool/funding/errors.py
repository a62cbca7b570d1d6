class FundingError(Exception):
    """Bad input to a funding action: the message says what to change; nothing was written."""
