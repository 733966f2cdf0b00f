"""The base serializer of the /data routes: DRF fields validate writes, one function formats reads."""

import uuid

from rest_framework import serializers

from .serialization import column_keys, json_key, serialize_row


class KitsuModelSerializer(serializers.ModelSerializer):
    """Validate input with DRF fields named as the API names them, and read rows with `serialize_row`.

    Foreign keys take their column name (`project_id`), so a bad id is reported
    under the key the client sent. Keys that only appear in the output (`type`,
    extra fields, relation lists) are accepted and ignored, so a client may send
    back a row it read. Any other unknown key is an error on create and ignored on update.
    """

    def get_fields(self):
        fields = super().get_fields()
        model = self.Meta.model
        for model_field in model._meta.concrete_fields:
            key = json_key(model_field)
            if model_field.is_relation and model_field.name in fields and key != model_field.name:
                field = fields.pop(model_field.name)
                field.source = model_field.name
                fields[key] = field
        for name in getattr(model, "kitsu_hidden_fields", ()):
            if name in fields and not fields[name].write_only:
                del fields[name]
        return fields

    def known_output_keys(self):
        model = self.Meta.model
        keys = set(column_keys(model))
        keys.update(getattr(model, "kitsu_extra_fields", ()))
        keys.update(getattr(model, "kitsu_relations", ()))
        keys.update({"type", "id", "created_at", "updated_at"})
        return keys

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["expected a JSON object."]})
        # A PUT may send back a whole row it read, so only a create reports unknown keys.
        unknown = set(data) - set(self.fields) - self.known_output_keys()
        if unknown and self.instance is None:
            raise serializers.ValidationError({key: ["unknown field."] for key in sorted(unknown)})
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        self.relation_ids = self.parse_relations(self.initial_data)
        return attrs

    def parse_relations(self, data):
        """Return {relation: [ids]} for the writable many-to-many lists in the body.

        Each list contains ids, or objects with an "id" (as a client reads them back).
        `null` empties the list. An id that matches no row is a 400 naming the list.
        """
        model = self.Meta.model
        parsed = {}
        for name in getattr(model, "kitsu_writable_relations", ()):
            if name not in data:
                continue
            values = data[name] or []
            if not isinstance(values, list):
                raise serializers.ValidationError({name: ["expected a list of ids."]})
            ids = []
            for value in values:
                raw = value.get("id") if isinstance(value, dict) else value
                try:
                    ids.append(uuid.UUID(str(raw)))
                except ValueError:
                    raise serializers.ValidationError({name: [f"invalid id {raw!r}: expected a UUID."]}) from None
            ids = list(dict.fromkeys(ids))
            related = model._meta.get_field(name).related_model
            found = set(related.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = [str(pk) for pk in ids if pk not in found]
            if missing:
                raise serializers.ValidationError({name: [f"no row has the id(s) {', '.join(missing)}."]})
            parsed[name] = ids
        return parsed

    def save_relations(self, instance):
        for name, ids in getattr(self, "relation_ids", {}).items():
            getattr(instance, name).set(ids)

    def create(self, validated_data):
        instance = super().create(validated_data)
        self.save_relations(instance)
        return instance

    def update(self, instance, validated_data):
        instance = super().update(instance, validated_data)
        self.save_relations(instance)
        return instance

    def to_representation(self, instance):
        return serialize_row(
            instance,
            relations=self.context.get("relations", False),
            exclude=self.context.get("hidden", ()),
        )


def serializer_for(model_class, *, exclude=(), read_only=(), extra_kwargs=None, base=KitsuModelSerializer):
    """Build the serializer of a model: every column, minus `exclude`."""
    relations = getattr(model_class, "kitsu_relations", ())
    output_only = tuple(field.name for field in model_class._meta.many_to_many if field.name in relations)
    meta_attrs = {
        "model": model_class,
        "exclude": tuple(exclude) + output_only,
        "read_only_fields": tuple(read_only),
        "extra_kwargs": extra_kwargs or {},
    }
    meta = type("Meta", (), meta_attrs)
    return type(f"{model_class.__name__}Serializer", (base,), {"Meta": meta})
