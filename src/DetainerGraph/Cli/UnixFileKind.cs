using System.Runtime.InteropServices;

namespace DetainerGraph.Cli;

/// <summary>
/// What a path names on Linux, by <c>stat(2)</c>: .NET reports a character device such as <c>/dev/null</c> as a
/// seekable file like any other, and moving a finished file over it (as <c>generate</c> does with regular files)
/// replaces the device with a file. Elsewhere, or when the answer cannot be read, the kind is
/// <see cref="Kind.Unknown"/>, and callers treat it as "not a regular file".
/// </summary>
internal static class UnixFileKind
{
    public enum Kind
    {
        Missing,
        Regular,
        Other,
        Unknown,
    }

    // The type bits of st_mode (S_IFMT) and a regular file's (S_IFREG), the same on every Linux architecture.
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int NoSuchFile = 2;

    /// <summary>Where <c>st_mode</c> sits in glibc's and musl's <c>struct stat</c>, which differs by architecture.</summary>
    private static int? ModeOffset => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 24,
        Architecture.Arm64 => 16,
        _ => null,
    };

    /// <summary>The kind of what <paramref name="path"/> names, symbolic links followed.</summary>
    public static Kind Of(string path)
    {
        if (!OperatingSystem.IsLinux() || ModeOffset is not { } offset)
        {
            return Kind.Unknown;
        }
        // Larger than struct stat on either architecture (144 and 128 bytes).
        var buffer = new byte[256];
        try
        {
            if (Stat(path, buffer) != 0)
            {
                return Marshal.GetLastPInvokeError() == NoSuchFile ? Kind.Missing : Kind.Unknown;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library older than glibc 2.33 exports stat only under another name.
            return Kind.Unknown;
        }
        var mode = BitConverter.ToInt32(buffer, offset);
        return (mode & TypeMask) == RegularType ? Kind.Regular : Kind.Other;
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
}
