import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;

/**
 * What a Parcel client does with its key, for use from a shell (curl cannot sign): make a P-256 key, show its
 * public half, and sign a self-issued token. Run by `bin/parcel identity` and `bin/parcel token`.
 *
 * <pre>
 *   new <key-file>                       write a new private JWK to key-file
 *   public <key-file>                    print the public JWK
 *   token <key-file> <principal> [aud]   print an ES256 token for principal, valid for one hour
 * </pre>
 */
public class ParcelCredentials {
    private static final String PARCEL_AUDIENCE = "https://api.oasislabs.com/parcel";

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "new" -> {
                EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
                key.setKeyId(java.util.UUID.randomUUID().toString());
                Files.writeString(Path.of(args[1]), key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            }
            case "public" -> System.out.println(read(args[1]).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            case "token" -> System.out.println(token(read(args[1]), args[2],
                    args.length > 3 ? args[3] : PARCEL_AUDIENCE));
            default -> {
                System.err.println("usage: new <key-file> | public <key-file> | token <key-file> <principal> [aud]");
                System.exit(2);
            }
        }
    }

    private static EllipticCurveJsonWebKey read(String file) throws Exception {
        return (EllipticCurveJsonWebKey) JsonWebKey.Factory.newJwk(Files.readString(Path.of(file)));
    }

    private static String token(EllipticCurveJsonWebKey key, String principal, String audience) throws Exception {
        var claims = new JwtClaims();
        claims.setIssuer(principal);
        claims.setSubject(principal);
        claims.setAudience(audience);
        claims.setClaim("scope", "parcel.full");
        long now = Instant.now().getEpochSecond();
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + 3600));
        var jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        return jws.getCompactSerialization();
    }
}
