namespace SmartCity.Functions.Tests.Soak;

/// <summary>One HTTP prediction request of the mix, and the answer it must get.</summary>
/// <param name="Kind">What it is (<c>jpeg</c>, <c>multipart</c>, <c>json</c>, <c>corrupt</c>).</param>
/// <param name="Body">The request body.</param>
/// <param name="ContentType">Its content type.</param>
/// <param name="Status">The status it must be answered with.</param>
/// <param name="Images">The images a 200 answer must hold.</param>
internal sealed record SoakRequest(string Kind, byte[] Body, string ContentType, int Status, int Images);
