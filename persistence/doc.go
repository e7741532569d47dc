// Package persistence keeps sundial's keyspaces on disk: an append-only log
// (AOF) of write commands, LZ4-compressed snapshots, the manifest that ties
// them together, the data-dir lock, crash recovery, and the logic of
// `sundial check`.
//
// Values are opaque here. A snapshot entry carries the caller's type tag
// and the caller's encoding of the value; a log record carries the argv of a
// write command, which recovery hands back to the caller to execute. The
// package imports nothing else of sundial's.
//
// # Files
//
// A data dir holds LOCK and, for each keyspace ks:
//
//	ks.manifest   which files make up ks (see manifest.go), replaced atomically
//	ks.db         the base snapshot (see snapshot.go), once one was written
//	ks.<n>.aof    incremental logs, n = 1, 2, 3 …, records framed as
//	              len u32 LE | crc32c u32 LE | RESP argv (see record.go)
//
// Temp files (*.tmp) and logs left over by an interrupted compaction are
// removed at the next start. Copying a keyspace's ks.* files while the
// server is stopped backs it up or restores it.
//
// # Using it from the server
//
//	dir, err := persistence.OpenDir(cfg.Dir) // exits 1 on *LockedError
//	defer dir.Close()
//	names, _ := dir.Keyspaces()
//	for _, name := range names {
//		st, err := dir.Open(name, opts, loader) // loader: LoadEntry + Apply
//		// err: a *CorruptError prints "corrupt <file> at offset <n>"
//	}
//
// For each write command, under the execution lock, after executing it:
//
//	seq, err := st.Append(argv)          // or AppendMulti for MULTI/EXEC and scripts
//	// release the execution lock, then before replying:
//	err = st.WaitDurable(seq)            // waits only with appendfsync always
//
// Compaction (BGREWRITEAOF, BGSAVE, auto-aof-rewrite via ShouldRewrite):
//
//	r, err := st.StartRewrite()          // under the execution lock, at the instant
//	q := persistence.NewEntryQueue()     // the consistent view is opened; each
//	                                     // entry is q.Add-ed as it is captured
//	go r.Finish(q.Source())              // while clients keep writing; q.Close()
//	                                     // once every entry of the view is in
//
// SAVE and shutdown call st.Save(entries) (StartRewrite and Finish at once)
// and then st.Close(). Stats feeds INFO persistence.
//
// # Guarantees
//
//   - Append never does I/O. One writer goroutine per keyspace writes each
//     batch with one write and, with appendfsync always, one fdatasync, then
//     releases every WaitDurable up to it: concurrent writers share fsyncs.
//   - A crash at any instant recovers exactly: every acknowledged write is
//     there, nothing is applied twice. The snapshot header records which
//     log position it includes, so recovery replays exactly what follows;
//     old files are deleted only after the new set is durable. Tests crash
//     a child process at every failpoint and check this.
//   - A torn tail of the newest log (an interrupted append, or a MULTI group
//     without its EXEC) is cut off with a warning that says how many bytes
//     were dropped. Any other damage, anywhere, stops recovery with a
//     *CorruptError. Nothing is repaired silently; Check with fix repairs a
//     torn tail after copying the file to <file>.broken.
//   - Readers never panic and never allocate more than the file size
//     justifies; both have fuzz targets.
//
// # API
//
// Data dir: OpenDir, (*DataDir).Keyspaces, (*DataDir).Open, (*DataDir).Close;
// LockDir, (*DirLock).Unlock; *LockedError ("data dir DIR already locked by
// another process").
//
// Keyspace files: OpenStore; (*Store).Append, AppendMulti, WaitDurable,
// DurableSeq, SetFsync, Flush, StartRewrite, Save, ShouldRewrite, Stats,
// Close; (*Rewrite).Finish, Abort; Options, DefaultOptions, Loader,
// LoaderFuncs, EntrySource, Entry.
//
// Point-in-time snapshots under writes: NewEntryQueue, (*EntryQueue).Add
// (under the execution lock, no I/O), Close, Abort, WaitBelow, Source (the
// EntrySource that Finish drains).
//
// Log: OpenAOF (a standalone log), (*AOF).Append, AppendMulti, WaitDurable,
// DurableSeq, SetPolicy, Policy, Flush, Stats, Close; FsyncPolicy,
// ParseFsyncPolicy; AppendRecord, RecordSize, NewRecordReader,
// (*RecordReader).Next, Offset.
//
// Snapshots: NewSnapshotWriter, (*SnapshotWriter).Add, Commit, Abort;
// OpenSnapshot, NewSnapshotReader, ReadSnapshotHeader, (*SnapshotReader).Next.
//
// Manifest: Manifest, ParseManifest, ManifestName, SnapshotName, AOFName,
// ValidKeyspaceName.
//
// Checking: Check(dir, fix) returns the report lines and whether the dir is
// clean.
//
// Errors: *CorruptError (errors.Is ErrCorrupt), *TornTailError (errors.Is
// ErrTornTail), ErrClosed, ErrRewriteInProgress, ErrRecordTooLarge.
package persistence
