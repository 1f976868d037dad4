"""The static export: every page of the site written as files, incrementally."""
