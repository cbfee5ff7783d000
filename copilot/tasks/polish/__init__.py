"""The polish task's steps (document: read/apply/write; propose: ask and guard), its results,
guards on rewrites, chunking, the chunk cache, the review and the HTML report."""
