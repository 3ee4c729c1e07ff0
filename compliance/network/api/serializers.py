"""API shapes of ``GET /customers/{id}/network/`` (API.md "Customers")."""

from __future__ import annotations

from rest_framework import serializers

from compliance.network import conf
from compliance.network.identifiers import Kind

NODE_KINDS = [kind for kind, _ in Kind.CHOICES]


class NetworkQuerySerializer(serializers.Serializer):
    hops = serializers.IntegerField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The bound is a setting: built per instance so the OpenAPI document states the
        # configured maximum (the schema generator instantiates the serializer too).
        self.fields["hops"] = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=conf.max_hops(),
            help_text="Customer-to-customer hops through shared identifiers (default 2, at "
            "most NETWORK_MAX_HOPS, 4 unless configured).",
        )


class NetworkNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="A customer's id, or '<kind>:<number>' for a key.")
    kind = serializers.ChoiceField(
        choices=NODE_KINDS,
        help_text="customer/wallet/iban/device/ip/phone/email/address as in the contract; "
        "also account (a bank account that is not an IBAN) and id_number (hashed).",
    )
    label = serializers.CharField(help_text="Personal values are masked.")
    hop = serializers.IntegerField(help_text="Hops from the customer asked about.")
    super_node = serializers.BooleanField(
        help_text="Shared by so many customers (NETWORK_SUPER_NODE_HOLDERS) that it is "
        "shown but not expanded."
    )
    holders = serializers.IntegerField(help_text="Customers holding this key (0 for customers).")


class NetworkEdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    reason = serializers.CharField(help_text="Why the edge exists, e.g. 'same device', 'paid'.")
    since = serializers.DateTimeField(help_text="When it was first seen (event time).")


class NetworkSerializer(serializers.Serializer):
    nodes = NetworkNodeSerializer(many=True)
    edges = NetworkEdgeSerializer(many=True)
    truncated = serializers.BooleanField(
        help_text="The neighbourhood reached NETWORK_MAX_NODES and was cut there."
    )
