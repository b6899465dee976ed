package ingest

// Normalized returns how many items went through normalisation (and so
// sanitising) since the Ingester was made.
func (in *Ingester) Normalized() int64 { return in.normalized.n.Load() }
