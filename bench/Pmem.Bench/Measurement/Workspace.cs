using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Pmem.Bench;

/// <summary>
/// The files every implementation works on: a 1 GiB file on /dev/shm (tmpfs; "pmem" under
/// <c>PMEM_IS_PMEM_FORCE=1</c>) and a 64 MiB file on the disk file system of <see cref="Path.GetTempPath"/> for
/// msync, each mapped by Pmem and, a second time, through <see cref="MemoryMappedFile"/>; plus a DRAM source buffer.
/// </summary>
/// <remarks>The files are unlinked as soon as they are mapped, so nothing is left behind if the run is killed.</remarks>
internal sealed unsafe class Workspace : IDisposable
{
    public const long PmemLength = 1L << 30;
    public const long DiskLength = 64L << 20;
    private const long PageSize = 4096;
    private const int ScatterWindow = 1 << 20;
    private const int MaxScatter = 64;

    private readonly MappedFile _pmem;
    private readonly MappedFile _disk;
    private readonly byte* _source;
    private readonly nuint* _scatter;

    private Workspace(MappedFile pmem, MappedFile disk, byte* source, nuint* scatter)
    {
        _pmem = pmem;
        _disk = disk;
        _source = source;
        _scatter = scatter;
    }

    public PmemMapping PmemMapping => _pmem.Mapping;

    public string PmemDirectory => Path.GetDirectoryName(_pmem.Path)!;

    public string DiskDirectory => Path.GetDirectoryName(_disk.Path)!;

    public static Workspace Create(TextWriter log)
    {
        string name = $"pmem-bench-{Environment.ProcessId}-{Guid.NewGuid():N}";
        if (!Directory.Exists("/dev/shm"))
        {
            throw new InvalidOperationException("/dev/shm is missing: the pmem rows need a tmpfs file");
        }

        log.WriteLine($"Mapping a {PmemLength >> 20} MiB file on /dev/shm and a {DiskLength >> 20} MiB file in {Path.GetTempPath()} …");
        MappedFile pmem = MappedFile.Create(Path.Combine("/dev/shm", name), PmemLength);
        MappedFile disk = MappedFile.Create(Path.Combine(Path.GetTempPath(), name), DiskLength);
        disk.Mapping.Msync(0, DiskLength);

        byte* source = (byte*)NativeMemory.AlignedAlloc((nuint)(Operations.MaxSize + PageSize), (nuint)PageSize);
        for (long i = 0; i < Operations.MaxSize + PageSize; i += 8)
        {
            *(ulong*)(source + i) = (ulong)i * 0x9E3779B97F4A7C15UL;
        }

        nuint* scatter = (nuint*)NativeMemory.AlignedAlloc(MaxScatter * (nuint)sizeof(nuint), 64);
        return new Workspace(pmem, disk, source, scatter);
    }

    /// <summary>
    /// A cell for <paramref name="operation"/> at <paramref name="size"/>: destinations in slots of
    /// <c>size + extra</c> rounded up to 4 KiB, rotating over the whole file when cold. Each cell starts where the
    /// previous one on the same file stopped, so it does not begin on lines another cell just wrote.
    /// </summary>
    public Cell CreateCell(Operation operation, long size)
    {
        MappedFile file = operation.OnDisk ? _disk : _pmem;
        bool scattered = operation.Kind == OperationKind.ScatteredWrites;
        int count = scattered ? (int)(size / 8) : 0;
        long slot = scattered ? ScatterWindow : RoundUp(size + operation.Extra, PageSize);
        long limit = operation.Hot ? 1 : file.Length / slot * slot;
        if (slot > file.Length)
        {
            throw new InvalidOperationException($"{operation.Name} at {size} bytes does not fit the {file.Length}-byte file");
        }

        if (scattered)
        {
            // Stores spread evenly over the window, each in its own line, at varying 8-byte positions within it.
            long spacing = ScatterWindow / count / 64 * 64;
            for (int k = 0; k < count; k++)
            {
                _scatter[k] = (nuint)(k * spacing + (k % 8) * 8);
            }
        }

        long start = operation.Hot ? 0 : file.NextStart / slot * slot % limit;
        return new Cell
        {
            Operation = operation,
            Size = (nuint)size,
            Base = (byte*)file.Mapping.Address,
            ViewBase = file.ViewPointer,
            Accessor = file.Accessor,
            Mapping = file.Mapping,
            SparseMapping = file.SparseMapping,
            Stride = operation.Hot ? 0 : (nuint)slot,
            Limit = (nuint)limit,
            Source = _source,
            ScatterOffsets = scattered ? _scatter : null,
            ScatterCount = count,
            ScatterOffsetArray = scattered ? ScatterArray(count) : null,
            SourceMemory = size <= int.MaxValue && !scattered ? new NativeMemoryManager(_source, (int)size).Memory : ReadOnlyMemory<byte>.Empty,
            Offset = (nuint)start,
        };
    }

    private long[] ScatterArray(int count)
    {
        var offsets = new long[count];
        for (int k = 0; k < count; k++)
        {
            offsets[k] = (long)_scatter[k];
        }

        return offsets;
    }

    /// <summary>Remembers where a cold cell stopped, for the next cell on the same file.</summary>
    public void Finished(Cell cell)
    {
        if (!cell.Operation.Hot)
        {
            (cell.Operation.OnDisk ? _disk : _pmem).NextStart = (long)cell.Offset;
        }
    }

    public void Dispose()
    {
        _pmem.Dispose();
        _disk.Dispose();
        NativeMemory.AlignedFree(_source);
        NativeMemory.AlignedFree(_scatter);
    }

    private static long RoundUp(long value, long unit) => (value + unit - 1) / unit * unit;

    /// <summary>One file mapped by Pmem and by <see cref="MemoryMappedFile"/>, every page touched through both.</summary>
    private sealed class MappedFile : IDisposable
    {
        private MappedFile(string path, long length, PmemMapping mapping, PmemMapping sparse, MemoryMappedFile file, MemoryMappedViewAccessor accessor, byte* view)
        {
            Path = path;
            Length = length;
            Mapping = mapping;
            SparseMapping = sparse;
            File = file;
            Accessor = accessor;
            ViewPointer = view;
        }

        public string Path { get; }

        public long Length { get; }

        public PmemMapping Mapping { get; }

        /// <summary>
        /// The same file mapped again as a sparse file (same pages, so the same physical placement as
        /// <see cref="Mapping"/>), every page reserved: the steady-state cost of the sparse-file check.
        /// </summary>
        public PmemMapping SparseMapping { get; }

        public MemoryMappedFile File { get; }

        public MemoryMappedViewAccessor Accessor { get; }

        public byte* ViewPointer { get; }

        public long NextStart { get; set; }

        public static MappedFile Create(string path, long length)
        {
            PmemMapping mapping = PmemFile.Map(path, length, PmemFileFlags.Create | PmemFileFlags.Exclusive, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                MemoryMappedFile file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
                MemoryMappedViewAccessor accessor = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
                byte* view = null;
                accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref view);
                view += accessor.PointerOffset;
                byte* p = (byte*)mapping.Address;
                for (long i = 0; i < length; i += PageSize)
                {
                    p[i] = 0;
                    view[i] = 0;
                }

                PmemMapping sparse = PmemFile.Map(path, length, PmemFileFlags.Create | PmemFileFlags.Sparse, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                const int Chunk = 64 << 20;
                for (long offset = 0; offset < length; offset += Chunk)
                {
                    sparse.Lease(offset, (int)Math.Min(Chunk, length - offset)).Dispose(); // reserves, stores nothing
                }

                // Fault this second mapping's page-table entries in as the loop above does for the first one, so the
                // row measures the sparse-file check, not first-touch faults of a fresh mapping.
                byte* q = (byte*)sparse.Address;
                for (long i = 0; i < length; i += PageSize)
                {
                    q[i] = 0;
                }

                return new MappedFile(path, length, mapping, sparse, file, accessor, view);
            }
            catch
            {
                mapping.Dispose();
                throw;
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }

        public void Dispose()
        {
            Accessor.SafeMemoryMappedViewHandle.ReleasePointer();
            Accessor.Dispose();
            File.Dispose();
            SparseMapping.Dispose();
            Mapping.Dispose();
        }
    }
}
