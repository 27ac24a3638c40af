"""Embedding, dense (FAISS) and lexical (BM25) indexes, and the versioned index store on disk."""
