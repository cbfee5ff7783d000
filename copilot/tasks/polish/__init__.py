"""Helpers of the polish task: guards on rewrites, chunking, the chunk cache."""
