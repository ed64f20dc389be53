namespace Pmem.FSharp

/// How a commit stores the bytes of each write (a hint, as libpmem's PMEM_F_MEM_NONTEMPORAL/TEMPORAL are).
[<RequireQualifiedAccess>]
type StoreHint =
    /// Writes of at least the non-temporal threshold (<c>PMEM_MOVNT_THRESHOLD</c>, 256 bytes by default) store
    /// their whole cache lines with non-temporal stores; smaller writes, and partial lines, use ordinary stores
    /// that the commit then flushes. With eADR every store is ordinary (libpmem's choice).
    | Auto
    /// Every write's whole cache lines use non-temporal stores, whatever its size.
    | NonTemporal
    /// Every byte is stored with ordinary stores, and every touched line is flushed.
    | Temporal

/// Options of Durable.commitWith (a record: it prints readably with <c>%A</c>).
type CommitOptions =
    {
        /// Ordinary or non-temporal stores (ignored on non-pmem mappings, which are msync'd).
        Stores: StoreHint
        /// true: the commit drains after its last group, so everything it wrote is durable when it returns.
        /// false: the last group is flushed but not drained (libpmem's NODRAIN): it is durable after the
        /// next <c>Mapping.drain</c>, so several commits can share one drain. Barriers inside the plan still drain.
        FinalDrain: bool
    }

/// Ready-made CommitOptions.
[<RequireQualifiedAccess>]
module CommitOptions =
    /// <c>{ Stores = StoreHint.Auto; FinalDrain = true }</c>: what Durable.commit uses.
    val defaults: CommitOptions
