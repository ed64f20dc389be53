namespace Pmem.Simulation;

/// <summary>
/// The smallest piece of a store that reaches persistence whole: an aligned 8-byte word fully covered by one
/// store, or a single byte of a store that covers a word only partly.
/// </summary>
/// <param name="Offset">Offset of the unit in the device.</param>
/// <param name="Bytes">Its bytes (8 or 1).</param>
/// <param name="Sequence">Program-order position of the store it came from.</param>
public readonly record struct CrashUnit(long Offset, byte[] Bytes, long Sequence);
