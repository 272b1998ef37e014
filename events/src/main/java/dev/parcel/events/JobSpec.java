package dev.parcel.events;

import java.util.List;
import java.util.Map;

/**
 * The job as its submitter described it (Parcel's JobSpec), carried unchanged from the API to the executor.
 * Optional fields are null when absent.
 */
public record JobSpec(
        String name,
        String image,
        List<String> cmd,
        Map<String, String> env,
        List<InputDocument> inputDocuments,
        List<OutputDocument> outputDocuments,
        Double cpus,
        String memory,
        NetworkPolicy networkPolicy,
        String timeout) {

    /** A spec without a timeout: the worker's maximum run time bounds the job. */
    public JobSpec(String name, String image, List<String> cmd, Map<String, String> env,
            List<InputDocument> inputDocuments, List<OutputDocument> outputDocuments, Double cpus, String memory,
            NetworkPolicy networkPolicy) {
        this(name, image, cmd, env, inputDocuments, outputDocuments, cpus, memory, networkPolicy, null);
    }

    public record InputDocument(String id, String mountPath) {
    }

    public record OutputDocument(String mountPath, String owner) {
    }

    public record NetworkPolicy(List<EgressPeer> egress, Boolean parcelApiAccess) {
    }

    public record EgressPeer(String cidr) {
    }
}
