using DetainerGraph.Search.Elasticsearch;
using Microsoft.Extensions.Configuration;

namespace DetainerGraph.Tests.Search.Elasticsearch;

/// <summary>The <c>Search:*</c> settings of the Elasticsearch engine: timeouts per kind of call and the certificate pin.</summary>
public sealed class ElasticsearchOptionsTests
{
    private static ElasticsearchOptions Read(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Search:Url"] = "http://localhost:9200" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }
        return ElasticsearchOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Fact]
    public void Searches_get_five_seconds_and_writes_two_minutes_unless_configured()
    {
        var defaults = Read();
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), defaults.WriteTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), Read(("Search:WriteTimeout", "00:10:00")).WriteTimeout);
        Assert.Throws<InvalidOperationException>(() => Read(("Search:WriteTimeout", "-00:00:01")));
    }

    [Fact]
    public void A_certificate_fingerprint_is_64_hex_digits_with_or_without_colons_for_an_https_cluster()
    {
        var hex = string.Concat(Enumerable.Repeat("A1", 32));
        var colons = string.Join(':', Enumerable.Repeat("A1", 32));
        Assert.Equal(hex, Read(("Search:Url", "https://es:9200"), ("Search:CertificateFingerprint", colons)).CertificateFingerprint);
        Assert.Throws<InvalidOperationException>(() => Read(("Search:Url", "https://es:9200"), ("Search:CertificateFingerprint", "A1B2")));
        Assert.Throws<InvalidOperationException>(() => Read(("Search:Url", "http://es:9200"), ("Search:CertificateFingerprint", hex)));
        Assert.Null(Read().CertificateFingerprint);
    }
}
