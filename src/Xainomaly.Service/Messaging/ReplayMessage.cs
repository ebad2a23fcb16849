namespace Xainomaly.Service.Messaging;

/// <summary>One message to replay: its JSON body and the UE records it holds.</summary>
/// <param name="Json">UTF-8 JSON: a UE report (<c>{"ueMeasReport":…}</c>) or a flat row object; a slice of the file's decompressed bytes.</param>
/// <param name="Records">UE records in it.</param>
public sealed record ReplayMessage(ReadOnlyMemory<byte> Json, int Records);
