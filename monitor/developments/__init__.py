"""Developments: stored items → rules → observations → facts and stories → alerts, with the words a reader sees."""
