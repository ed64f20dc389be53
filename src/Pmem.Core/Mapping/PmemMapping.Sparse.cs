using System.Runtime.CompilerServices;

namespace Pmem;

public sealed unsafe partial class PmemMapping
{
    /// <summary>Pages with storage behind them, for a sparse file's mapping; <see langword="null"/> when every page has.</summary>
    private SparseReservation? _reservation;

    /// <summary>
    /// True when the file had unallocated ranges when it was mapped (<see cref="PmemFileFlags.Sparse"/>, or a file with
    /// holes): Pmem's own stores (<see cref="Copy"/>, <see cref="Move"/>, <see cref="Fill"/>, leases, F# commits) allocate
    /// the pages they touch first, and report a full file system as <see cref="PmemException"/> (ENOSPC) instead of
    /// dying of SIGBUS.
    /// </summary>
    public bool IsSparse => _reservation is not null;

    /// <summary>
    /// Gives every page of <c>[offset, offset + length)</c> storage before Pmem stores into it; the caller has claimed
    /// the mapping and checked the range. Returns 0 or the errno (ENOSPC, EDQUOT, ...). Nothing is stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int TryReserveForWrite(long offset, long length) =>
        _reservation is { } reservation ? reservation.Reserve(offset, length) : 0;

    /// <summary>As <see cref="TryReserveForWrite"/>, throwing <see cref="PmemException"/> on failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ReserveForWrite(long offset, long length)
    {
        // One load of the field: null (every dense mapping) is one compare; a reserved page one more load and bit test.
        SparseReservation? reservation = _reservation;
        if (reservation is not null)
        {
            int errno = reservation.Reserve(offset, length);
            if (errno != 0)
            {
                ThrowReserveFailed(errno, offset, length);
            }
        }
    }

    /// <summary>
    /// For the bench only: replaces the reservation and returns the old one, so a row can run the same calls on the
    /// same addresses without the check (<see langword="null"/>) and put it back. Not for concurrent use.
    /// </summary>
    internal SparseReservation? ExchangeReservationForBench(SparseReservation? reservation)
    {
        SparseReservation? old = _reservation;
        _reservation = reservation;
        return old;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowReserveFailed(int errno, long offset, long length) =>
        ThrowHelper.ThrowForErrno(errno, $"allocating the pages of [{offset}, +{length}) of the sparse mapping of", Path);

    private void EnableReservation() => _reservation = new SparseReservation(_address, Length);
}
