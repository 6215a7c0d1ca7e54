// Creates the SCRAM users of the dev-services Kafka and makes the ACLs of the managed users
// match a plan, through Kafka's Admin API. Run by dev-services.mjs with Java's single-file
// source launcher: java -cp '<kafka libs>/*' KafkaSecurity.java <admin client properties>
//
// The plan comes on stdin (so no password appears in a command line), one tab-separated
// entry per line:
//   user  <name>  <password>
//   acl   <user>  <TOPIC|GROUP|CLUSTER>  <LITERAL|PREFIXED>  <resource name>  <operation>
// Every ACL is an ALLOW from any host. ACLs of a planned user that the plan does not list are
// deleted; ACLs of other principals stay untouched.
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class KafkaSecurity {
    /** SCRAM iterations; Kafka requires at least 4096 for SCRAM-SHA-512. */
    private static final int SCRAM_ITERATIONS = 8192;
    private static final long TIMEOUT_SECONDS = 60;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: KafkaSecurity <admin client properties file>");
        }
        Properties clientProperties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            clientProperties.load(in);
        }

        List<UserScramCredentialAlteration> users = new ArrayList<>();
        Set<String> principals = new HashSet<>();
        Set<AclBinding> planned = new HashSet<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields[0].equals("user") && fields.length == 3) {
                ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS);
                users.add(new UserScramCredentialUpsertion(fields[1], info, fields[2]));
                principals.add("User:" + fields[1]);
            } else if (fields[0].equals("acl") && fields.length == 6) {
                ResourcePattern resource = new ResourcePattern(
                        ResourceType.valueOf(fields[2]), fields[4], PatternType.valueOf(fields[3]));
                AccessControlEntry entry = new AccessControlEntry(
                        "User:" + fields[1], "*", AclOperation.valueOf(fields[5]), AclPermissionType.ALLOW);
                planned.add(new AclBinding(resource, entry));
            } else {
                throw new IllegalArgumentException("invalid plan line starting with \"" + fields[0] + "\"");
            }
        }

        try (Admin admin = Admin.create(clientProperties)) {
            admin.alterUserScramCredentials(users).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            Collection<AclBinding> existing = admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<AclBindingFilter> stale = new ArrayList<>();
            for (AclBinding binding : existing) {
                if (principals.contains(binding.entry().principal()) && !planned.contains(binding)) {
                    stale.add(binding.toFilter());
                }
            }
            if (!stale.isEmpty()) {
                admin.deleteAcls(stale).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            List<AclBinding> missing = new ArrayList<>(planned);
            missing.removeAll(existing);
            if (!missing.isEmpty()) {
                admin.createAcls(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            System.out.printf("users %d, ACLs created %d, ACLs deleted %d%n", users.size(), missing.size(), stale.size());
        }
    }
}
