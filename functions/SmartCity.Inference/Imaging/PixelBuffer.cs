using System.Buffers;
using System.Runtime.InteropServices;

namespace SmartCity.Inference.Imaging;

/// <summary>
/// Memory for decoded pixels. Up to <see cref="PooledLimit"/> bytes it is rented from
/// <see cref="ArrayPool{T}.Shared"/> (and pinned); a larger buffer is a full-size decode: it is
/// allocated natively for this image alone and freed on <see cref="Dispose"/>, so no pool keeps
/// hundreds of megabytes after the request.
/// </summary>
internal sealed unsafe class PixelBuffer : IDisposable
{
    /// <summary>Largest buffer taken from the shared pool: 4 MiB, a megapixel of RGBA.</summary>
    public const int PooledLimit = 4 * 1024 * 1024;

    private byte[]? _rented;
    private GCHandle _pin;
    private void* _native;

    private PixelBuffer(int length)
    {
        Length = length;
    }

    public int Length { get; }

    public IntPtr Pointer { get; private set; }

    /// <summary>A buffer of <paramref name="length"/> bytes, rented up to <see cref="PooledLimit"/> and allocated past it.</summary>
    public static PixelBuffer Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var buffer = new PixelBuffer(length);
        if (length <= PooledLimit)
        {
            buffer._rented = ArrayPool<byte>.Shared.Rent(length);
            buffer._pin = GCHandle.Alloc(buffer._rented, GCHandleType.Pinned);
            buffer.Pointer = buffer._pin.AddrOfPinnedObject();
            return buffer;
        }

        buffer._native = NativeMemory.Alloc((nuint)length);
        buffer.Pointer = (IntPtr)buffer._native;
        return buffer;
    }

    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _pin.Free();
            ArrayPool<byte>.Shared.Return(rented);
            _rented = null;
        }

        if (_native is not null)
        {
            NativeMemory.Free(_native);
            _native = null;
        }

        Pointer = IntPtr.Zero;
    }
}
